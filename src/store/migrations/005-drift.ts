/**
 * Drift handling stores an instance's isolation (quarantined or marked unhealthy, why,
 * since when, and the rebuild under way) with the instance, so an episode survives a
 * server restart and is reported once.
 */
import type { Kysely, Migration } from 'kysely';

export const driftMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('instances').addColumn('isolation_json', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('instances').dropColumn('isolation_json').execute();
  },
};
