/**
 * Staging replay runs (CONTRACT §4): one row per run, with the staging instance's state
 * as the agent last reported it (the host's assignments read `staging_host` and
 * `staging_wanted`), the verdict, and a passed run's candidate answers (the baseline for a
 * replay after a rollback). Instances gain `replay_hold`: the replay id that keeps an
 * instance a rollback returned out of session allocation until that replay passes.
 */
import type { Kysely, Migration } from 'kysely';

export const replaysMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('replays')
      .addColumn('replay_id', 'text', (c) => c.primaryKey())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('baseline_version', 'text')
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('instances_json', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('passed', 'integer')
      .addColumn('requests', 'integer', (c) => c.notNull())
      .addColumn('difference_count', 'integer', (c) => c.notNull())
      .addColumn('differences_json', 'text', (c) => c.notNull())
      .addColumn('noise_filtered', 'integer', (c) => c.notNull())
      .addColumn('noise_fields_json', 'text', (c) => c.notNull())
      .addColumn('noise_filtering', 'integer')
      .addColumn('reason_json', 'text')
      .addColumn('staging_host', 'text')
      .addColumn('staging_wanted', 'integer', (c) => c.notNull())
      .addColumn('staging_port', 'integer')
      .addColumn('staging_status', 'text')
      .addColumn('staging_reason', 'text')
      .addColumn('answers_json', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema.createIndex('replays_by_release').on('replays').columns(['service', 'version', 'started_at']).execute();
    await db.schema.createIndex('replays_by_staging_host').on('replays').columns(['staging_host', 'staging_wanted']).execute();
    await db.schema.alterTable('instances').addColumn('replay_hold', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('instances').dropColumn('replay_hold').execute();
    await db.schema.dropTable('replays').execute();
  },
};
