/** Operation and target <-> rows: booleans as 0/1, reason and strategy as JSON text. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import { initialRollout, type Operation, type OperationKind, type OperationTrace, type OperationStatus, type OperationTarget, type Reason, type RolloutState, type StrategySpec, type TargetStatus } from '../core/types.js';
import { fromFlag, fromJsonOrNull, toFlag, toJsonOrNull } from './column-codecs.js';
import type { OperationTable, OperationTargetTable } from './database-schema.js';
import type { OperationPatch, TargetPatch } from './store.js';

export function operationToRow(operation: Operation): Insertable<OperationTable> {
  return {
    id: operation.id,
    kind: operation.kind,
    service: operation.service,
    version: operation.version,
    whole_service: toFlag(operation.whole_service),
    status: operation.status,
    reason_json: toJsonOrNull(operation.reason),
    strategy_json: JSON.stringify(operation.strategy),
    timeout_s: operation.timeout_s,
    retry_count: operation.retry_count,
    auto_rollback: toFlag(operation.auto_rollback),
    rollout_json: JSON.stringify(operation.rollout),
    actor: operation.actor,
    correlation_id: operation.correlation_id,
    request_id: operation.request_id ?? null,
    trace_id: operation.trace?.trace_id ?? null,
    trace_root_span_id: operation.trace?.root_span_id ?? null,
    trace_parent_span_id: operation.trace?.parent_span_id ?? null,
    trace_flags: operation.trace?.flags ?? null,
    created_at: operation.created_at,
    updated_at: operation.updated_at,
    completed_at: operation.completed_at,
  };
}

export function operationFromRow(row: Selectable<OperationTable>): Operation {
  return {
    id: row.id,
    kind: row.kind as OperationKind,
    service: row.service,
    version: row.version,
    whole_service: fromFlag(row.whole_service),
    status: row.status as OperationStatus,
    reason: fromJsonOrNull<Reason>(row.reason_json),
    strategy: JSON.parse(row.strategy_json) as StrategySpec,
    timeout_s: row.timeout_s,
    retry_count: row.retry_count,
    auto_rollback: fromFlag(row.auto_rollback),
    // Operations stored before migration 003 have no rollout state: the initial one is theirs.
    rollout: fromJsonOrNull<RolloutState>(row.rollout_json) ?? initialRollout(row.created_at),
    actor: row.actor,
    correlation_id: row.correlation_id,
    request_id: row.request_id,
    trace: traceFromRow(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
    completed_at: row.completed_at,
  };
}

function traceFromRow(row: Selectable<OperationTable>): OperationTrace | null {
  if (row.trace_id === null || row.trace_root_span_id === null) return null;
  return { trace_id: row.trace_id, root_span_id: row.trace_root_span_id, parent_span_id: row.trace_parent_span_id, flags: row.trace_flags ?? '01' };
}

/** Only the fields present in `patch` (an explicit `undefined` counts as absent). */
export function operationPatchToColumns(patch: OperationPatch): Updateable<OperationTable> {
  const columns: Updateable<OperationTable> = {};
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.reason !== undefined) columns.reason_json = toJsonOrNull(patch.reason);
  if (patch.updated_at !== undefined) columns.updated_at = patch.updated_at;
  if (patch.completed_at !== undefined) columns.completed_at = patch.completed_at;
  if (patch.rollout !== undefined) columns.rollout_json = JSON.stringify(patch.rollout);
  return columns;
}

export function targetToRow(target: OperationTarget): Insertable<OperationTargetTable> {
  return {
    operation_id: target.operation_id,
    instance_id: target.instance_id,
    from_version: target.from_version,
    to_version: target.to_version,
    status: target.status,
    attempts: target.attempts,
    generation: target.generation,
    changed: toFlag(target.changed),
    started_at: target.started_at,
    healthy_at: target.healthy_at,
    updated_at: target.updated_at,
    reason_json: toJsonOrNull(target.reason),
  };
}

export function targetFromRow(row: Selectable<OperationTargetTable>): OperationTarget {
  return {
    operation_id: row.operation_id,
    instance_id: row.instance_id,
    from_version: row.from_version,
    to_version: row.to_version,
    status: row.status as TargetStatus,
    attempts: row.attempts,
    generation: row.generation,
    changed: fromFlag(row.changed),
    started_at: row.started_at,
    healthy_at: row.healthy_at,
    updated_at: row.updated_at,
    reason: fromJsonOrNull<Reason>(row.reason_json),
  };
}

/** Only the fields present in `patch` (an explicit `undefined` counts as absent). */
export function targetPatchToColumns(patch: TargetPatch): Updateable<OperationTargetTable> {
  const columns: Updateable<OperationTargetTable> = {};
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.attempts !== undefined) columns.attempts = patch.attempts;
  if (patch.generation !== undefined) columns.generation = patch.generation;
  if (patch.changed !== undefined) columns.changed = toFlag(patch.changed);
  if (patch.started_at !== undefined) columns.started_at = patch.started_at;
  if (patch.healthy_at !== undefined) columns.healthy_at = patch.healthy_at;
  if (patch.updated_at !== undefined) columns.updated_at = patch.updated_at;
  if (patch.reason !== undefined) columns.reason_json = toJsonOrNull(patch.reason);
  if (patch.from_version !== undefined) columns.from_version = patch.from_version;
  return columns;
}
