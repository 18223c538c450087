/**
 * Version history per instance (seed 000 R7): contiguous intervals, one open at a time.
 * An interval ends only when another version is seen, so "which version ran at T" has
 * exactly one answer.
 */
import type { Kysely } from 'kysely';
import type { VersionInterval } from '../core/types.js';
import type { Database } from './database-schema.js';
import { intervalFromRow } from './instance-rows.js';

/**
 * Closes the open interval at `at` and opens one for `version`, unless `version` is
 * already the open one. `trx` must be a transaction: the read and the two writes are one
 * step, and the partial unique index on open intervals refuses a racing second opener.
 */
export async function recordInstanceVersion(trx: Kysely<Database>, instanceId: string, version: string, at: number): Promise<void> {
  const open = await trx
    .selectFrom('instance_versions')
    .select(['id', 'version'])
    .where('instance_id', '=', instanceId)
    .where('to_at', 'is', null)
    .executeTakeFirst();
  if (open?.version === version) return;
  if (open !== undefined) {
    await trx.updateTable('instance_versions').set({ to_at: at }).where('id', '=', open.id).execute();
  }
  await trx.insertInto('instance_versions').values({ instance_id: instanceId, version, from_at: at, to_at: null }).execute();
}

/** Oldest first. */
export async function listInstanceHistory(db: Kysely<Database>, instanceId: string): Promise<VersionInterval[]> {
  const rows = await db
    .selectFrom('instance_versions')
    .select(['instance_id', 'version', 'from_at', 'to_at'])
    .where('instance_id', '=', instanceId)
    .orderBy('from_at')
    .orderBy('id')
    .execute();
  return rows.map(intervalFromRow);
}
