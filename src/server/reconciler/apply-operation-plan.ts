/** Writes one plan from the core inside the caller's transaction (one of transactionWithEvents). */
import type { OperationPlan } from '../../core/operations/operation-plan.js';
import { goalOperationOf, type Operation } from '../../core/types.js';
import type { Store } from '../../store/store.js';
import { recordEvent } from '../events/record-event.js';

export async function applyOperationPlan(tx: Store, operation: Operation, plan: OperationPlan, now: number): Promise<void> {
  // Every goal an operation sets carries its identity, so assignments can name it to the agent.
  const owner = goalOperationOf(operation);
  for (const { instance_id, goal } of plan.goals) await tx.setInstanceGoal(instance_id, { ...goal, operation: owner });
  for (const change of plan.targets) {
    const { instance_id, ...patch } = change;
    await tx.updateTarget(operation.id, instance_id, { ...patch, updated_at: now });
  }
  for (const pin of plan.pins) await tx.setInstancePin(pin.instance_id, pin.version);
  if (plan.serviceVersions !== null) {
    await tx.setServiceVersions(operation.service, { ...plan.serviceVersions, updated_at: now });
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
  for (const event of plan.events) await recordEvent(tx, event);
}
