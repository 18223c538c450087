/**
 * Traffic and analysis (CONTRACT §5). Services gain their `traffic`, `analysis` and
 * `rollback_triggers` specs (JSON) and `rollback_batch_percent`; instances gain
 * `traffic_json`: the state the planner intends for the instance at its load balancer and
 * what the adapter last did with it.
 */
import type { Kysely, Migration } from 'kysely';

const SERVICE_COLUMNS = ['traffic_json', 'analysis_json', 'rollback_triggers_json'] as const;

export const trafficMigration: Migration = {
  async up(db: Kysely<any>) {
    for (const column of SERVICE_COLUMNS) await db.schema.alterTable('services').addColumn(column, 'text').execute();
    await db.schema.alterTable('services').addColumn('rollback_batch_percent', 'integer').execute();
    await db.schema.alterTable('instances').addColumn('traffic_json', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('instances').dropColumn('traffic_json').execute();
    for (const column of ['rollback_batch_percent', ...SERVICE_COLUMNS]) await db.schema.alterTable('services').dropColumn(column).execute();
  },
};
