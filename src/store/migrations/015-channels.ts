/**
 * Channel history (CONTRACT §4 Channels): one row per version asked for on a channel, with
 * the operation carrying it. Append-only; `soak_started_at` is set once, when that
 * operation succeeds. Ids only grow, so a channel's newest row is its highest id.
 */
import { type Kysely, type Migration } from 'kysely';
import { autoIncrementId, type SqlEngine } from '../sql-engine.js';

export function channelsMigration(engine: SqlEngine): Migration {
  const id = autoIncrementId(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('channel_history')
        .addColumn('id', id.type, id.build)
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('deploy_id', 'text', (c) => c.notNull())
        .addColumn('soak_started_at', 'bigint')
        .execute();
      await db.schema.createIndex('channel_history_by_channel').on('channel_history').columns(['service', 'channel', 'id']).execute();
      // Every operation's end looks its channel row up: that must not scan the history.
      await db.schema.createIndex('channel_history_by_deploy').on('channel_history').column('deploy_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('channel_history').execute();
    },
  };
}
