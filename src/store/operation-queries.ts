/**
 * Operations (deployments, restarts, rollbacks) and their per-instance targets. An
 * operation and its targets are inserted together, so a reader never sees one without
 * the other. Updates of an unknown id change nothing.
 */
import type { Kysely } from 'kysely';
import { ACTIVE_OPERATION_STATUSES, type Operation, type OperationTarget } from '../core/types.js';
import type { Database } from './database-schema.js';
import { operationFromRow, operationPatchToColumns, operationToRow, targetFromRow, targetPatchToColumns, targetToRow } from './operation-rows.js';
import type { OperationFilter, OperationPatch, TargetPatch } from './store.js';

/** `trx` must be a transaction. Throws on a duplicate operation id. */
export async function insertOperation(trx: Kysely<Database>, operation: Operation, targets: OperationTarget[]): Promise<void> {
  await trx.insertInto('operations').values(operationToRow(operation)).execute();
  if (targets.length > 0) {
    await trx.insertInto('operation_targets').values(targets.map(targetToRow)).execute();
  }
}

export async function getOperation(db: Kysely<Database>, id: string): Promise<Operation | undefined> {
  const row = await db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : operationFromRow(row);
}

/** Newest first (created_at, then id, descending). */
export async function listOperations(db: Kysely<Database>, filter: OperationFilter): Promise<Operation[]> {
  // `kind IN ()` is not valid SQL; no kinds asked for means nothing matches.
  if (filter.kinds !== undefined && filter.kinds.length === 0) return [];
  let query = db.selectFrom('operations').selectAll();
  if (filter.service !== undefined) query = query.where('service', '=', filter.service);
  if (filter.kinds !== undefined) query = query.where('kind', 'in', filter.kinds);
  if (filter.activeOnly === true) query = query.where('status', 'in', [...ACTIVE_OPERATION_STATUSES]);
  query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  const rows = await query.execute();
  return rows.map(operationFromRow);
}

export async function updateOperation(db: Kysely<Database>, id: string, patch: OperationPatch): Promise<void> {
  const columns = operationPatchToColumns(patch);
  if (Object.keys(columns).length === 0) return;
  await db.updateTable('operations').set(columns).where('id', '=', id).execute();
}

/** Ordered by instance_id. */
export async function listTargets(db: Kysely<Database>, operationId: string): Promise<OperationTarget[]> {
  const rows = await db.selectFrom('operation_targets').selectAll().where('operation_id', '=', operationId).orderBy('instance_id').execute();
  return rows.map(targetFromRow);
}

export async function updateTarget(db: Kysely<Database>, operationId: string, instanceId: string, patch: TargetPatch): Promise<void> {
  const columns = targetPatchToColumns(patch);
  if (Object.keys(columns).length === 0) return;
  await db
    .updateTable('operation_targets')
    .set(columns)
    .where('operation_id', '=', operationId)
    .where('instance_id', '=', instanceId)
    .execute();
}
