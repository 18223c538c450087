/**
 * Release gates (CONTRACT §4): the append-only evidence table and the service spec's
 * `readiness`, `replay`, `replay_after_rollback` and `channels`. Evidence ids come from the
 * database and only grow, so the newest record of a check is the one with the highest id.
 */
import { type Kysely, type Migration } from 'kysely';
import { autoIncrementId, type SqlEngine } from '../sql-engine.js';

export function releaseGatesMigration(engine: SqlEngine): Migration {
  const id = autoIncrementId(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('release_evidence')
        .addColumn('id', id.type, id.build)
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('check_name', 'text', (c) => c.notNull())
        .addColumn('passed', 'integer', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('url', 'text')
        .addColumn('details_json', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('release_evidence_by_release').on('release_evidence').columns(['service', 'version', 'id']).execute();
      await db.schema.alterTable('services').addColumn('readiness_json', 'text').execute();
      await db.schema.alterTable('services').addColumn('replay_json', 'text').execute();
      await db.schema.alterTable('services').addColumn('replay_after_rollback', 'integer').execute();
      await db.schema.alterTable('services').addColumn('channels_json', 'text', (c) => c.notNull().defaultTo('{}')).execute();
    },
    async down(db: Kysely<any>) {
      for (const column of ['channels_json', 'replay_after_rollback', 'replay_json', 'readiness_json']) {
        await db.schema.alterTable('services').dropColumn(column).execute();
      }
      await db.schema.dropTable('release_evidence').execute();
    },
  };
}
