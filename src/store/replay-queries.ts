/**
 * Staging replay runs (migration 016): one row per run, written when it starts and
 * patched as it goes. Read by id, per release newest first, and per staging host for
 * the agent's assignments.
 */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Replay, ReplayFilter, ReplayPatch } from '../core/replay/replay-record.js';
import { fromFlag, fromJsonOrNull, toFlag, toJsonOrNull } from './column-codecs.js';
import type { Database, ReplayTable } from './database-schema.js';

export async function insertReplay(db: Kysely<Database>, replay: Replay): Promise<void> {
  await db.insertInto('replays').values(replayToRow(replay)).execute();
}

export async function updateReplay(db: Kysely<Database>, replayId: string, patch: ReplayPatch): Promise<void> {
  const row = patchToRow(patch);
  if (Object.keys(row).length === 0) return;
  await db.updateTable('replays').set(row).where('replay_id', '=', replayId).execute();
}

export async function getReplay(db: Kysely<Database>, replayId: string): Promise<Replay | undefined> {
  const row = await db.selectFrom('replays').selectAll().where('replay_id', '=', replayId).executeTakeFirst();
  return row === undefined ? undefined : replayFromRow(row);
}

/**
 * Newest first (or oldest first). The stored answers (up to megabytes a row) are left out:
 * a listed replay's `answers` is null; read the one baseline by id with `getReplay`.
 */
export async function listReplays(db: Kysely<Database>, filter: ReplayFilter): Promise<Replay[]> {
  const direction = filter.oldestFirst === true ? 'asc' : 'desc';
  let query = db.selectFrom('replays').select(LIST_COLUMNS);
  if (filter.service !== undefined) query = query.where('service', '=', filter.service);
  if (filter.version !== undefined) query = query.where('version', '=', filter.version);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.stagingHost !== undefined) query = query.where('staging_host', '=', filter.stagingHost).where('staging_wanted', '=', 1);
  const rows = await query
    .orderBy('started_at', direction)
    .orderBy('replay_id', direction)
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map((row) => replayFromRow({ ...row, answers_json: null }));
}

/** Every column but `answers_json`. */
const LIST_COLUMNS = [
  'replay_id', 'service', 'version', 'baseline_version', 'purpose', 'instances_json', 'status', 'passed', 'requests', 'difference_count', 'differences_json', 'noise_filtered', 'noise_fields_json', 'noise_filtering', 'reason_json',
  'staging_host', 'staging_wanted', 'staging_port', 'staging_status', 'staging_reason', 'actor', 'correlation_id', 'started_at', 'completed_at',
] as const;

function replayToRow(r: Replay): Insertable<ReplayTable> {
  return {
    replay_id: r.replay_id,
    service: r.service,
    version: r.version,
    actor: r.actor,
    correlation_id: r.correlation_id,
    purpose: r.purpose,
    instances_json: JSON.stringify(r.instances),
    started_at: r.started_at,
    ...fullPatchRow(r),
  };
}

/** Every patchable column, for an insert. */
function fullPatchRow(r: Replay): Omit<Insertable<ReplayTable>, 'replay_id' | 'service' | 'version' | 'actor' | 'correlation_id' | 'purpose' | 'instances_json' | 'started_at'> {
  return {
    baseline_version: r.baseline_version,
    status: r.status,
    passed: r.passed === null ? null : toFlag(r.passed),
    requests: r.requests,
    difference_count: r.difference_count,
    differences_json: JSON.stringify(r.differences),
    noise_filtered: r.noise_filtered,
    noise_fields_json: JSON.stringify(r.noise_fields),
    noise_filtering: r.noise_filtering === null ? null : toFlag(r.noise_filtering),
    reason_json: toJsonOrNull(r.reason),
    ...stagingRow(r.staging),
    answers_json: toJsonOrNull(r.answers),
    completed_at: r.completed_at,
  };
}

function stagingRow(s: Replay['staging']): Pick<Insertable<ReplayTable>, 'staging_host' | 'staging_wanted' | 'staging_port' | 'staging_status' | 'staging_reason'> {
  if (s === null) return { staging_host: null, staging_wanted: 0, staging_port: null, staging_status: null, staging_reason: null };
  return { staging_host: s.host, staging_wanted: toFlag(s.wanted), staging_port: s.port, staging_status: s.status, staging_reason: s.reason };
}

function patchToRow(p: ReplayPatch): Updateable<ReplayTable> {
  const row: Updateable<ReplayTable> = {};
  if (p.baseline_version !== undefined) row.baseline_version = p.baseline_version;
  if (p.status !== undefined) row.status = p.status;
  if (p.passed !== undefined) row.passed = p.passed === null ? null : toFlag(p.passed);
  if (p.requests !== undefined) row.requests = p.requests;
  if (p.difference_count !== undefined) row.difference_count = p.difference_count;
  if (p.differences !== undefined) row.differences_json = JSON.stringify(p.differences);
  if (p.noise_filtered !== undefined) row.noise_filtered = p.noise_filtered;
  if (p.noise_fields !== undefined) row.noise_fields_json = JSON.stringify(p.noise_fields);
  if (p.noise_filtering !== undefined) row.noise_filtering = p.noise_filtering === null ? null : toFlag(p.noise_filtering);
  if (p.reason !== undefined) row.reason_json = toJsonOrNull(p.reason);
  if (p.staging !== undefined) Object.assign(row, stagingRow(p.staging));
  if (p.answers !== undefined) row.answers_json = toJsonOrNull(p.answers);
  if (p.completed_at !== undefined) row.completed_at = p.completed_at;
  return row;
}

function replayFromRow(row: Selectable<ReplayTable>): Replay {
  return {
    replay_id: row.replay_id,
    service: row.service,
    version: row.version,
    baseline_version: row.baseline_version,
    purpose: row.purpose as Replay['purpose'],
    instances: JSON.parse(row.instances_json) as string[],
    status: row.status as Replay['status'],
    passed: row.passed === null ? null : fromFlag(row.passed),
    requests: Number(row.requests),
    difference_count: Number(row.difference_count),
    differences: JSON.parse(row.differences_json) as Replay['differences'],
    noise_filtered: Number(row.noise_filtered),
    noise_fields: JSON.parse(row.noise_fields_json) as string[],
    noise_filtering: row.noise_filtering === null ? null : fromFlag(row.noise_filtering),
    reason: fromJsonOrNull<Replay['reason']>(row.reason_json),
    staging:
      row.staging_host === null
        ? null
        : { host: row.staging_host, wanted: fromFlag(row.staging_wanted), port: row.staging_port === null ? null : Number(row.staging_port), status: (row.staging_status ?? 'pending') as NonNullable<Replay['staging']>['status'], reason: row.staging_reason },
    answers: fromJsonOrNull<NonNullable<Replay['answers']>>(row.answers_json),
    actor: row.actor,
    correlation_id: row.correlation_id,
    started_at: Number(row.started_at),
    completed_at: row.completed_at === null ? null : Number(row.completed_at),
  };
}
