/** Deployments and rollbacks as the contract shows them, from one operation record. */
import { batchSize, canaryStepCounts } from '../../../core/operations/strategy.js';
import type { Instance, Operation, OperationTarget } from '../../../core/types.js';
import { iso } from '../../../core/iso-time.js';
import type { ServerContext } from '../../server-context.js';
import { isInFlight } from '../../../core/operations/status-sets.js';

const DONE: OperationTarget['status'][] = ['succeeded', 'reverted'];
const FAILED: OperationTarget['status'][] = ['failed', 'revert_failed'];

export async function loadOperationDetail(ctx: ServerContext, operation: Operation) {
  const [targets, instances] = await Promise.all([ctx.store.listTargets(operation.id), ctx.store.listInstances({ service: operation.service })]);
  return { operation, targets, instances: new Map(instances.map((i) => [i.instance_id, i])) };
}

type Detail = Awaited<ReturnType<typeof loadOperationDetail>>;

function presentTargets(detail: Detail) {
  return detail.targets.map((t) => {
    const instance: Instance | undefined = detail.instances.get(t.instance_id);
    return {
      instance_id: t.instance_id,
      status: t.status,
      version: instance?.observed?.version ?? null,
      from_version: t.from_version,
      to_version: t.to_version,
      attempts: t.attempts,
      reason: t.reason,
      updated_at: iso(t.updated_at),
    };
  });
}

export function presentDeployment(detail: Detail) {
  const { operation: op, targets } = detail;
  return {
    deploy_id: op.id,
    kind: op.kind,
    service: op.service,
    version: op.version,
    status: op.status,
    reason: op.reason,
    progress: {
      total: targets.length,
      completed: targets.filter((t) => DONE.includes(t.status)).length,
      failed: targets.filter((t) => FAILED.includes(t.status)).length,
      pending: targets.filter((t) => !DONE.includes(t.status) && !FAILED.includes(t.status)).length,
    },
    instances: presentTargets(detail),
    rollout: presentRollout(op, targets),
    strategy: op.strategy,
    whole_service: op.whole_service,
    timeout: op.timeout_s,
    retry_count: op.retry_count,
    auto_rollback: op.auto_rollback,
    actor: op.actor,
    correlation_id: op.correlation_id,
    started_at: iso(op.created_at),
    updated_at: iso(op.updated_at),
    completed_at: iso(op.completed_at),
  };
}

/** Where the deployment stands inside its strategy: canary step, pause, batch in flight. */
function presentRollout(op: Operation, targets: OperationTarget[]) {
  const steps = op.kind === 'deploy' ? canaryStepCounts(op.strategy, targets.length).length : 0;
  const pause = op.rollout.pause;
  return {
    step: steps === 0 ? null : Math.min(op.rollout.steps_done + 1, steps),
    steps,
    steps_done: op.rollout.steps_done,
    pause: pause === null ? null : { kind: pause.kind, since: iso(pause.since), until: iso(pause.until) },
    batch_size: op.kind === 'rollback' ? targets.length : batchSize(op.strategy, targets.length),
    in_flight: targets.filter((t) => isInFlight(t.status)).length,
    abort_requested: op.rollout.abort !== null,
  };
}

/** Rollbacks have a simpler public lifecycle: pending, running, succeeded, failed. */
export function rollbackStatus(op: Operation): 'pending' | 'running' | 'succeeded' | 'failed' {
  if (op.status === 'pending' || op.status === 'succeeded') return op.status;
  if (['running', 'verifying', 'paused', 'rolling_back'].includes(op.status)) return 'running';
  return 'failed';
}

export function presentRollback(detail: Detail) {
  const { operation: op } = detail;
  return {
    rollback_id: op.id,
    service: op.service,
    target_version: op.version,
    status: rollbackStatus(op),
    reason: op.reason,
    whole_service: op.whole_service,
    instances: presentTargets(detail),
    actor: op.actor,
    correlation_id: op.correlation_id,
    started_at: iso(op.created_at),
    updated_at: iso(op.updated_at),
    completed_at: iso(op.completed_at),
  };
}
