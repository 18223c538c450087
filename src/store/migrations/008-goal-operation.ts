/**
 * An instance's goal remembers the operation that set it (id, kind, the starting request's
 * correlation id and trace context), so assignments can name it to the agent. Null for
 * goals no operation set and for every goal written before this migration.
 */
import type { Kysely, Migration } from 'kysely';

export const goalOperationMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('instances').addColumn('goal_operation_json', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('instances').dropColumn('goal_operation_json').execute();
  },
};
