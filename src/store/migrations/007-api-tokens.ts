/**
 * Named API tokens (CONTRACT §9). A request finds its token by the secret's sha256, so
 * that column is unique and indexed; a name is unique among tokens not revoked, so a
 * revoked name can be issued again (rotating "ci" keeps the name the audit shows).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const apiTokensMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('api_tokens')
      .addColumn('token_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('host_id', 'text')
      .addColumn('secret_sha256', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('api_tokens_live_name').unique().on('api_tokens').column('name').where(sql.ref('revoked_at'), 'is', null).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('api_tokens').execute();
  },
};
