/**
 * Readiness evaluations (CONTRACT §4): the newest admission verdict of each release, one
 * row per service and version, replaced by each evaluation. The verdict's lists and check
 * map are one JSON column: they are read whole and never queried into.
 */
import type { Kysely, Migration } from 'kysely';

export const readinessEvaluationsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('readiness_evaluations')
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('admitted', 'integer', (c) => c.notNull())
      .addColumn('verdict_json', 'text', (c) => c.notNull())
      .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('readiness_evaluations_pk', ['service', 'version'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('readiness_evaluations').execute();
  },
};
