/**
 * What an operation looks like as spans once it has ended (CONTRACT §3 Traces): the root
 * `ferry.deployment` / `ferry.rollback` with the contract's attributes, a `ferry.batch`
 * child per batch (the instances started in the same pass), and under each a
 * `ferry.instance` per instance it worked on. Pure: the server emits this plan with the ids stored on the
 * operation, so any server process that sees the end, even one restarted since the start,
 * emits the same root span.
 */
import type { Operation, OperationTarget, TargetStatus } from '../types.js';

export type SpanAttributes = Record<string, string | number | boolean>;

export interface PlannedSpan {
  name: string;
  startMs: number;
  endMs: number;
  attributes: SpanAttributes;
  /** A reason code when the span's status is an error, else null. */
  error: string | null;
}

/** One batch: the instances the rollout started together (in one reconcile pass, so at one time). */
export interface PlannedBatch {
  span: PlannedSpan;
  /** Children of the batch, one per instance. */
  instances: PlannedSpan[];
}

export interface OperationSpans {
  root: PlannedSpan;
  /** Children of the root, in the order they started. */
  batches: PlannedBatch[];
}

const FAILED_TARGETS: ReadonlySet<TargetStatus> = new Set(['failed', 'revert_failed']);

/** `cicd.pipeline.result` of a finished operation. */
export function pipelineResultOf(op: Pick<Operation, 'status'>): 'success' | 'failure' | 'cancellation' {
  if (op.status === 'succeeded') return 'success';
  return op.status === 'aborted' ? 'cancellation' : 'failure';
}

/**
 * The spans of `op`, or null while it is still active (no `completed_at`).
 *
 *   deploy dep-1 of web 2.0.0, succeeded → root 'ferry.deployment', deployment.status 'succeeded',
 *                                           cicd.pipeline.result 'success', no error
 *   deploy failed, rolled back           → deployment.status 'failed', result 'failure', error 'health_timeout'
 *   rollback rb-1, aborted               → root 'ferry.rollback', ferry.rollback_id 'rb-1', result 'cancellation'
 */
export function operationSpansOf(op: Operation, targets: readonly OperationTarget[], environment: string | null): OperationSpans | null {
  if (op.completed_at === null) return null;
  const result = pipelineResultOf(op);
  const rollback = op.kind === 'rollback';
  const attributes: SpanAttributes = {
    [rollback ? 'ferry.rollback_id' : 'ferry.deploy_id']: op.id,
    'ferry.service': op.service,
    ...(op.version !== null ? { 'ferry.version': op.version } : {}),
    'ferry.kind': op.kind,
    'ferry.status': op.status,
    'ferry.actor': op.actor,
    'ferry.correlation_id': op.correlation_id,
    'deployment.id': op.id,
    'deployment.name': op.version !== null ? `${op.service}@${op.version}` : `${op.service} ${op.kind}`,
    'deployment.status': result === 'success' ? 'succeeded' : 'failed',
    ...(environment !== null ? { 'deployment.environment.name': environment } : {}),
    'cicd.pipeline.name': `ferry ${op.kind} ${op.service}`,
    'cicd.pipeline.run.id': op.id,
    'cicd.pipeline.result': result,
  };
  const error = result === 'success' ? null : (op.reason?.code ?? op.status);
  const root: PlannedSpan = { name: rollback ? 'ferry.rollback' : 'ferry.deployment', startMs: op.created_at, endMs: Math.max(op.created_at, op.completed_at), attributes, error };
  return { root, batches: batchesOf(op, targets, root) };
}

/**
 * Targets grouped by the time they started: the planner starts a batch's targets in one
 * pass, with one `now`. A batch spans from that time to its last instance's end.
 *
 *   web-1, web-2 started at t, web-3 at t+5 s → batch 1 [web-1, web-2], batch 2 [web-3]
 */
function batchesOf(op: Operation, targets: readonly OperationTarget[], root: PlannedSpan): PlannedBatch[] {
  const byStart = new Map<number, OperationTarget[]>();
  for (const t of targets) if (t.started_at !== null) byStart.set(t.started_at, [...(byStart.get(t.started_at) ?? []), t]);
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, group], index) => {
      const instances = group.map((t) => instanceSpanOf(op, t, root));
      const failed = instances.find((i) => i.error !== null);
      const span: PlannedSpan = {
        name: 'ferry.batch',
        startMs: Math.min(...instances.map((i) => i.startMs)),
        endMs: Math.max(...instances.map((i) => i.endMs)),
        attributes: { 'ferry.batch': index + 1, 'ferry.instances': instances.length, 'ferry.service': op.service },
        error: failed?.error ?? null,
      };
      return { span, instances };
    });
}

function instanceSpanOf(op: Operation, t: OperationTarget, root: PlannedSpan): PlannedSpan {
  const start = Math.max(root.startMs, t.started_at!);
  const end = Math.min(root.endMs, Math.max(start, t.updated_at));
  return {
    name: 'ferry.instance',
    startMs: start,
    endMs: end,
    attributes: {
      'ferry.instance_id': t.instance_id,
      'ferry.service': op.service,
      ...(t.from_version !== null ? { 'ferry.from_version': t.from_version } : {}),
      ...(t.to_version !== null ? { 'ferry.version': t.to_version } : {}),
      'ferry.target_status': t.status,
      'ferry.attempts': t.attempts,
    },
    error: FAILED_TARGETS.has(t.status) ? (t.reason?.code ?? t.status) : null,
  };
}
