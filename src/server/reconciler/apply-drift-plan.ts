/** Writes one drift plan from the core inside the caller's transaction (one of transactionWithEvents). */
import { newOperationTrace } from '../tracing/new-operation-trace.js';
import type { DriftPlan } from '../../core/drift/drift-plan.js';
import type { Store } from '../../store/store.js';
import { recordEvent } from '../events/record-event.js';
import { setIsolationTraffic } from '../traffic/isolation-traffic.js';

export async function applyDriftPlan(tx: Store, plan: DriftPlan, now: number): Promise<void> {
  // The rebuild goes first: its insert fails on the one-active-operation index if another
  // writer took the lock meanwhile, and then nothing of this plan is written.
  // A rebuild is a deployment no request started: it begins a trace of its own, and its events name it.
  const rebuild = plan.rebuild === null ? null : { ...plan.rebuild.operation, trace: plan.rebuild.operation.trace ?? newOperationTrace(null) };
  if (rebuild !== null) await tx.insertOperation(rebuild, plan.rebuild!.targets);
  for (const { instance_id, isolation } of plan.isolations) {
    await tx.setInstanceIsolation(instance_id, isolation);
    await setIsolationTraffic(tx, instance_id, isolation !== null, now);
  }
  for (const pin of plan.pins) await tx.setInstancePin(pin.instance_id, pin.version);
  for (const event of plan.events) await recordEvent(tx, rebuild !== null && event.deploy_id === rebuild.id ? { ...event, trace_id: rebuild.trace.trace_id } : event);
}
