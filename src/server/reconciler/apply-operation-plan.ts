/**
 * The one applier of plans from the core, inside the caller's transaction (one of
 * transactionWithEvents): the reconciler's operation plans, a one-click rollback's
 * preemption, and the first goals a service PUT gives the instances it adds. A plan that
 * ends a canary deployment also writes that release's `rollout` evidence, in the same
 * transaction as the ending, as core/readiness/rollout-evidence.ts decides; a plan that
 * ends a rollback holds the instances it returned until their replay passes, likewise in
 * the same transaction (core/replay/rollback-hold.ts).
 */
import type { OperationPlan } from '../../core/operations/operation-plan.js';
import { goalOperationOf, type Operation } from '../../core/types.js';
import type { Store } from '../../store/store.js';
import { recordEvent } from '../events/record-event.js';
import { applyChannelOutcome } from './apply-channel-outcome.js';
import { rolloutEvidenceOf } from '../../core/readiness/rollout-evidence.js';
import { appendEvidenceRecorded } from '../features/readiness/append-evidence.js';
import { applyReplayHold } from '../features/replays/apply-replay-hold.js';
import { withIntent } from '../../core/traffic/next-traffic.js';

/** Where a plan applies: its service, and the operation it advances (null for a service change, whose goals no operation owns). */
export interface PlanScope {
  service: string;
  operation: Operation | null;
}

export async function applyPlan(tx: Store, scope: PlanScope, plan: OperationPlan, now: number): Promise<void> {
  const { operation } = scope;
  if (operation === null && (plan.targets.length > 0 || plan.operation !== null)) {
    throw new Error(`a plan for ${scope.service} changes an operation's targets or status but names no operation`);
  }
  // Every goal an operation sets carries its identity, so assignments can name it to the agent.
  const owner = operation === null ? undefined : goalOperationOf(operation);
  for (const { instance_id, goal } of plan.goals) await tx.setInstanceGoal(instance_id, owner === undefined ? goal : { ...goal, operation: owner });
  if (operation !== null) await applyOperationChanges(tx, operation, plan, now);
  // A rollback's end holds the instances it returned, in this transaction (features/replays/apply-replay-hold.ts).
  if (operation !== null) await applyReplayHold(tx, operation, plan.operation, now);
  // A canary-channel deploy's end is its release's rollout evidence; otherwise a canary strategy's end may be.
  const channelWroteRollout =
    operation !== null && plan.operation?.completed === true && (await applyChannelOutcome(tx, operation, { status: plan.operation.status, reason: plan.operation.reason ?? operation.reason }, now));
  for (const pin of plan.pins) await tx.setInstancePin(pin.instance_id, pin.version);
  await applyTrafficIntents(tx, plan.traffic, now);
  if (plan.serviceVersions !== null) {
    await tx.setServiceVersions(scope.service, { ...plan.serviceVersions, updated_at: now });
  }
  for (const event of plan.events) await recordEvent(tx, event);
  if (operation !== null && plan.operation?.completed === true && !channelWroteRollout) await recordRolloutEvidence(tx, operation, plan.operation, now);
}

/**
 * New traffic intents, each compared and set on the row as read; the traffic sync hands
 * them to the adapter after commit. A result the sync recorded in between is read again,
 * so the intent is never lost. An isolated instance is never set ready here.
 */
async function applyTrafficIntents(tx: Store, wanted: OperationPlan['traffic'], now: number): Promise<void> {
  for (const { instance_id, ...intent } of wanted) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const instance = await tx.getInstance(instance_id);
      if (instance === undefined || (intent.state === 'ready' && instance.isolation !== null)) break;
      const current = instance.traffic ?? null;
      const next = withIntent(current, intent, now);
      if (next === null || (await tx.updateInstanceTraffic(instance_id, current, next))) break;
    }
  }
}

/** Ferry's own `rollout` evidence for a canary deployment that just ended (none for other operations), as core/readiness decides. */
async function recordRolloutEvidence(tx: Store, operation: Operation, ending: NonNullable<OperationPlan['operation']>, now: number): Promise<void> {
  const draft = rolloutEvidenceOf(operation, ending, now);
  if (draft === null) return;
  await appendEvidenceRecorded(tx, draft, { request_id: operation.request_id ?? null, trace_id: operation.trace?.trace_id ?? null, deploy_id: operation.id });
}

/** Applies a plan for `operation`: the reconciler's, or a preemption's. */
export function applyOperationPlan(tx: Store, operation: Operation, plan: OperationPlan, now: number): Promise<void> {
  return applyPlan(tx, { service: operation.service, operation }, plan, now);
}

async function applyOperationChanges(tx: Store, operation: Operation, plan: OperationPlan, now: number): Promise<void> {
  for (const change of plan.targets) {
    const { instance_id, ...patch } = change;
    await tx.updateTarget(operation.id, instance_id, { ...patch, updated_at: now });
  }
  if (plan.operation !== null) {
    await tx.updateOperation(operation.id, {
      status: plan.operation.status,
      rollout: plan.operation.rollout,
      ...(plan.operation.reason !== undefined ? { reason: plan.operation.reason } : {}),
      ...(plan.operation.completed ? { completed_at: now } : {}),
      updated_at: now,
    });
  } else if (plan.targets.length > 0) {
    await tx.updateOperation(operation.id, { updated_at: now });
  }
}
