/**
 * Metric analysis (CONTRACT §5): one row per measurement of one analysis query, filed
 * under its operation and phase, append-only. The values that decided the verdict (and,
 * for HAProxy, the counters the next measurement's deltas start from) are JSON.
 */
import type { Kysely, Migration } from 'kysely';
import { autoIncrementId, type SqlEngine } from '../sql-engine.js';

export function analysisMigration(engine: SqlEngine): Migration {
  const id = autoIncrementId(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('analysis_measurements')
        .addColumn('id', id.type, id.build)
        .addColumn('operation_id', 'text', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('query_name', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('values_json', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('measured_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('analysis_measurements_by_operation').on('analysis_measurements').columns(['operation_id', 'phase', 'id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('analysis_measurements').execute();
    },
  };
}
