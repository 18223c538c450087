/**
 * Freeze windows (CONTRACT §4). A removed window keeps its row with `removed_at` and
 * `removed_by`, so the refusals and overrides the audit names stay traceable. The gate
 * reads every live window on each deployment; there are few, so one index on
 * `removed_at` is enough.
 */
import type { Kysely, Migration } from 'kysely';

export const freezesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('freezes')
      .addColumn('freeze_id', 'text', (c) => c.primaryKey())
      .addColumn('service', 'text')
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('recurrence_json', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'bigint')
      .addColumn('removed_by', 'text')
      .execute();
    await db.schema.createIndex('freezes_by_removed_at').on('freezes').column('removed_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('freezes').execute();
  },
};
