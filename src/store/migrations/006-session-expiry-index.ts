/**
 * Expired sessions are deleted once their retention has passed (the server's session
 * purge). This index lets each purge batch find the oldest expiries without a scan.
 */
import type { Kysely, Migration } from 'kysely';

export const sessionExpiryIndexMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('sessions_by_expiry').on('sessions').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('sessions_by_expiry').execute();
  },
};
