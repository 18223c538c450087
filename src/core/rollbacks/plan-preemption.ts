/**
 * The one-click rollback's preemption of an active deployment, as a plan: the deployment
 * ends `aborted` with reason PREEMPTED_BY_ROLLBACK, every target not yet settled (pending
 * or in flight) is skipped, and one `deploy_aborted` event names who asked. No goal is
 * set: the rollback, started in the same transaction, gives every instance its goal and
 * so supersedes the deployment's in-flight work. The reconciler's applier writes it.
 *
 *   deploy running, targets [succeeded, deploying, pending] → aborted, [succeeded, skipped, skipped]
 *   a rollback is active, or nothing is                     → no plan (the lock refuses, or there is nothing to end)
 */
import { eventOf } from '../events/event-catalogue.js';
import type { OperationPlan } from '../operations/operation-plan.js';
import { emptyPlan } from '../operations/operation-plan.js';
import { isInFlight } from '../operations/status-sets.js';
import type { Operation, OperationTarget, Reason } from '../types.js';
import { EQUAL_WEIGHT } from '../traffic/traffic-spec.js';

/** The reason a deployment ended because a one-click rollback took its service. */
export const PREEMPTED_BY_ROLLBACK = 'preempted_by_rollback';

export interface PreemptionInput {
  /** The service's active operation, if any. */
  active: Operation | undefined;
  targets: readonly OperationTarget[];
  /** Who asked for the rollback, and the request's correlation id. */
  actor: string;
  correlationId: string;
  /** The rollback request's id, when a request asked. */
  requestId?: string | null;
  /** The service declares `traffic`: instances the deployment drained go back into traffic. */
  traffic?: boolean;
  now: number;
}

/** The plan that ends `active` for a one-click rollback; null when there is no deployment to preempt. */
export function planPreemption(input: PreemptionInput): OperationPlan | null {
  const { active, actor, correlationId, now } = input;
  const request_id = input.requestId ?? null;
  if (active === undefined || active.kind === 'rollback') return null;
  const reason: Reason = { code: PREEMPTED_BY_ROLLBACK, message: `aborted by a one-click rollback of ${active.service} requested by ${actor}` };
  const unsettled = input.targets.filter((t) => t.status === 'pending' || isInFlight(t.status));
  return {
    ...emptyPlan(),
    targets: unsettled.map((t) => ({ instance_id: t.instance_id, status: 'skipped' as const })),
    // The rollback drains each instance again before it changes it; until then they serve.
    traffic: input.traffic === true ? unsettled.filter((t) => t.status !== 'pending').map((t) => ({ instance_id: t.instance_id, state: 'ready' as const, weight: EQUAL_WEIGHT })) : [],
    operation: { status: 'aborted', rollout: active.rollout, reason, completed: true },
    events: [
      eventOf(
        'deploy_aborted',
        { at: now, service: active.service, version: active.version, instance_id: null, deploy_id: active.id, actor, correlation_id: correlationId, trace_id: active.trace?.trace_id ?? null, request_id },
        { kind: active.kind, reason, duration_s: Math.max(0, now - active.created_at) / 1000 },
      ),
    ],
  };
}
