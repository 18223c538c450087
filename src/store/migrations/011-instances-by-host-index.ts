/**
 * Every heartbeat and every assignments long-poll reads one host's instances; without
 * this index each of those reads scanned the whole instances table, and with a hundred
 * hosts reporting every few seconds those scans were a large share of the server's
 * synchronous (SQLite) work.
 */
import type { Kysely, Migration } from 'kysely';

export const instancesByHostIndexMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('instances_by_host').on('instances').column('host').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('instances_by_host').execute();
  },
};
