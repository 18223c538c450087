/**
 * Channel history (migration 015): rows appended, read newest first per channel, found by
 * the operation that carries them, and stamped once with the soak's start.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ChannelEntry, ChannelEntryDraft } from '../core/channels/channel-entry.js';
import type { ChannelHistoryTable, Database } from './database-schema.js';

/** Appends `draft` (soak not started) and returns it with the id the database gave it. */
export async function appendChannelEntry(db: Kysely<Database>, draft: ChannelEntryDraft): Promise<ChannelEntry> {
  const row = await db
    .insertInto('channel_history')
    .values({ ...draft, soak_started_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return entryFromRow(row);
}

/** One channel's rows, newest first, at most `limit`. */
export async function listChannelHistory(db: Kysely<Database>, service: string, channel: string, limit: number): Promise<ChannelEntry[]> {
  const rows = await db.selectFrom('channel_history').selectAll().where('service', '=', service).where('channel', '=', channel).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(entryFromRow);
}

/** The row the operation `deployId` carries, if it is a channel change. */
export async function channelEntryOfOperation(db: Kysely<Database>, deployId: string): Promise<ChannelEntry | undefined> {
  const row = await db.selectFrom('channel_history').selectAll().where('deploy_id', '=', deployId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : entryFromRow(row);
}

/** Sets the soak's start on the rows of `deployId` that have none; a second call changes nothing. */
export async function startChannelSoak(db: Kysely<Database>, deployId: string, at: number): Promise<void> {
  await db.updateTable('channel_history').set({ soak_started_at: at }).where('deploy_id', '=', deployId).where('soak_started_at', 'is', null).execute();
}

function entryFromRow(row: Selectable<ChannelHistoryTable>): ChannelEntry {
  return {
    id: Number(row.id),
    service: row.service,
    channel: row.channel,
    version: row.version,
    at: Number(row.at),
    actor: row.actor,
    reason: row.reason,
    correlation_id: row.correlation_id,
    deploy_id: row.deploy_id,
    soak_started_at: row.soak_started_at === null ? null : Number(row.soak_started_at),
  };
}
