/**
 * Client sessions (CONTRACT §2 Sessions): one row per session, written before the API
 * answers 201. The partial index holds only not-ended rows, ordered by instance, so
 * counting open sessions per instance walks it once without sorting (GROUP BY follows the
 * index); the tenant index serves stickiness.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const sessionsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sessions')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text')
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('runtime_version', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('sessions_not_ended')
      .on('sessions')
      .columns(['service', 'instance_id', 'expires_at'])
      .where(sql.ref('ended_at'), 'is', null)
      .execute();
    await db.schema.createIndex('sessions_by_tenant').on('sessions').columns(['service', 'tenant_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('sessions').execute();
  },
};
