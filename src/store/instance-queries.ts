/**
 * Instances: the goal the server sets and the observation the agent reports live on one
 * row, written by separate calls so neither side overwrites the other's fields.
 * Updates of an unknown instance change nothing; callers check existence when it matters.
 */
import type { Kysely } from 'kysely';
import type { ReplayHoldCondition } from './store.js';
import type { Instance, InstanceGoal, InstanceIsolation, ReplayHold, InstanceObservation, InstanceTraffic, InstancePlacement, ObservedStatus } from '../core/types.js';
import { fromJsonOrNull, toJsonOrNull } from './column-codecs.js';
import type { Database } from './database-schema.js';
import { goalToColumns, instanceFromRow, instanceToRow, observationToColumns } from './instance-rows.js';

/** Throws on a duplicate instance id or on a (host, port) another instance already holds. */
export async function insertInstance(db: Kysely<Database>, instance: Instance): Promise<void> {
  await db.insertInto('instances').values(instanceToRow(instance)).execute();
}

export async function getInstance(db: Kysely<Database>, instanceId: string): Promise<Instance | undefined> {
  const row = await db.selectFrom('instances').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
  return row === undefined ? undefined : instanceFromRow(row);
}

/** Ordered by instance_id; includes instances marked removed. */
export async function listInstances(db: Kysely<Database>, filter: { service?: string; host?: string }): Promise<Instance[]> {
  let query = db.selectFrom('instances').selectAll();
  if (filter.service !== undefined) query = query.where('service', '=', filter.service);
  if (filter.host !== undefined) query = query.where('host', '=', filter.host);
  const rows = await query.orderBy('instance_id').execute();
  return rows.map(instanceFromRow);
}

export async function setInstanceGoal(db: Kysely<Database>, instanceId: string, goal: InstanceGoal): Promise<void> {
  await db.updateTable('instances').set(goalToColumns(goal)).where('instance_id', '=', instanceId).execute();
}

export async function setInstancePin(db: Kysely<Database>, instanceId: string, pinnedVersion: string | null): Promise<void> {
  await db.updateTable('instances').set({ pinned_version: pinnedVersion }).where('instance_id', '=', instanceId).execute();
}

/**
 * Sets (or, with null, clears) the replay hold of instances (migration 016). With
 * `onlyIfReplayId`, only instances whose hold names that replay change: a replay never
 * lifts or re-sets a hold another replay (or nobody) owns now. Each row is compared and
 * set on the exact hold read, so a hold changed in between is left alone.
 */
export async function setReplayHold(db: Kysely<Database>, instanceIds: string[], hold: ReplayHold | null, opts: ReplayHoldCondition = {}): Promise<void> {
  if (instanceIds.length === 0) return;
  const value = toJsonOrNull(hold);
  if (opts.onlyIfReplayId === undefined) {
    await db.updateTable('instances').set({ replay_hold: value }).where('instance_id', 'in', instanceIds).execute();
    return;
  }
  const rows = await db.selectFrom('instances').select(['instance_id', 'replay_hold']).where('instance_id', 'in', instanceIds).execute();
  for (const row of rows) {
    if (row.replay_hold === null || fromJsonOrNull<ReplayHold>(row.replay_hold)?.replay_id !== opts.onlyIfReplayId) continue;
    await db.updateTable('instances').set({ replay_hold: value }).where('instance_id', '=', row.instance_id).where('replay_hold', '=', row.replay_hold).execute();
  }
}

/** Compare-and-set of `traffic_json` on the exact stored text (migration 017). */
export async function updateInstanceTraffic(db: Kysely<Database>, instanceId: string, expected: InstanceTraffic | null, next: InstanceTraffic | null): Promise<boolean> {
  const was = toJsonOrNull(expected);
  const query = db.updateTable('instances').set({ traffic_json: toJsonOrNull(next) }).where('instance_id', '=', instanceId);
  const result = await (was === null ? query.where('traffic_json', 'is', null) : query.where('traffic_json', '=', was)).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets (or, with null, clears) the drift isolation of an instance. */
export async function setInstanceIsolation(db: Kysely<Database>, instanceId: string, isolation: InstanceIsolation | null): Promise<void> {
  await db.updateTable('instances').set({ isolation_json: toJsonOrNull(isolation) }).where('instance_id', '=', instanceId).execute();
}

export async function markInstanceRemoved(db: Kysely<Database>, instanceId: string, at: number): Promise<void> {
  await db.updateTable('instances').set({ removed_at: at }).where('instance_id', '=', instanceId).execute();
}

/** Deletes the row only; its version history and operation targets stay as a record. */
export async function deleteInstance(db: Kysely<Database>, instanceId: string): Promise<void> {
  await db.deleteFrom('instances').where('instance_id', '=', instanceId).execute();
}

export async function recordObservation(db: Kysely<Database>, instanceId: string, observation: InstanceObservation): Promise<void> {
  await db.updateTable('instances').set(observationToColumns(observation)).where('instance_id', '=', instanceId).execute();
}

/** Live instances of a service, only the columns placement needs; ordered by instance_id. */
export async function listInstancePlacements(db: Kysely<Database>, service: string): Promise<InstancePlacement[]> {
  const rows = await db
    .selectFrom('instances')
    .select(['instance_id', 'host', 'port', 'goal_version', 'goal_generation', 'observed_status', 'observed_version', 'achieved_generation', 'isolation_json', 'replay_hold'])
    .where('service', '=', service)
    .where('removed_at', 'is', null)
    .orderBy('instance_id')
    .execute();
  return rows.map((row) => ({
    instance_id: row.instance_id,
    host: row.host,
    port: row.port,
    removed_at: null,
    goal: { version: row.goal_version, generation: row.goal_generation },
    // observed_status is written with every observation, so it alone marks "observed at least once".
    observed: row.observed_status === null ? null : { status: row.observed_status as ObservedStatus, version: row.observed_version, achieved_generation: row.achieved_generation ?? 0 },
    isolation: fromJsonOrNull<InstanceIsolation>(row.isolation_json),
    replay_hold: fromJsonOrNull<ReplayHold>(row.replay_hold),
  }));
}
