/** Writes one drift plan from the core inside the caller's transaction (one of transactionWithEvents). */
import type { DriftPlan } from '../../core/drift/drift-plan.js';
import type { Store } from '../../store/store.js';
import { recordEvent } from '../events/record-event.js';

export async function applyDriftPlan(tx: Store, plan: DriftPlan): Promise<void> {
  // The rebuild goes first: its insert fails on the one-active-operation index if another
  // writer took the lock meanwhile, and then nothing of this plan is written.
  if (plan.rebuild !== null) await tx.insertOperation(plan.rebuild.operation, plan.rebuild.targets);
  for (const { instance_id, isolation } of plan.isolations) await tx.setInstanceIsolation(instance_id, isolation);
  for (const pin of plan.pins) await tx.setInstancePin(pin.instance_id, pin.version);
  for (const event of plan.events) await recordEvent(tx, event);
}
