/**
 * Alerts (CONTRACT §3): the alerts table, the delivery outbox, and the service spec's
 * `oncall` and `runbooks`. A partial unique index lets at most one firing alert exist per
 * cause, so two evaluations racing (a restart, a second replica) cannot page twice.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const alertsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('cause_key', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('current_version', 'text')
      .addColumn('previous_version', 'text')
      .addColumn('deploy_id', 'text')
      .addColumn('rollback_id', 'text')
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('runbook_url', 'text')
      .addColumn('oncall', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .execute();
    await db.schema.createIndex('alerts_one_firing_per_cause').unique().on('alerts').column('cause_key').where(sql.ref('state'), '=', 'firing').execute();
    await db.schema.createIndex('alerts_by_started_at').on('alerts').column('started_at').execute();
    await db.schema
      .createTable('alert_deliveries')
      .addColumn('delivery_id', 'text', (c) => c.primaryKey())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('alerts_json', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('alert_deliveries_due').on('alert_deliveries').column('next_attempt_at').execute();
    await db.schema.alterTable('services').addColumn('oncall', 'text').execute();
    await db.schema.alterTable('services').addColumn('runbooks_json', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('services').dropColumn('runbooks_json').execute();
    await db.schema.alterTable('services').dropColumn('oncall').execute();
    await db.schema.dropTable('alert_deliveries').execute();
    await db.schema.dropTable('alerts').execute();
  },
};
