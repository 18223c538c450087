/**
 * One reconcile step for one operation: read it, its targets, instances and service in one
 * transaction, let the pure planner decide, and apply the plan in that same transaction.
 * The reconcile loop calls it for every active operation; tests call it to drive an
 * operation pass by pass and look at each plan.
 */
import { isEmptyPlan, type OperationPlan } from '../../core/operations/operation-plan.js';
import { planOperation } from '../../core/operations/plan-operation.js';
import type { Store } from '../../store/store.js';
import type { EventSink } from '../events/event-sink.js';
import { transactionWithEvents } from '../events/record-event.js';
import { applyOperationPlan } from './apply-operation-plan.js';
import type { Operation, Service } from '../../core/types.js';
import type { AnalysisJudgement } from '../../core/analysis/analysis-spec.js';

/** What one step decided and which hosts' agents have new goals to fetch. */
export interface OperationStep {
  plan: OperationPlan;
  hosts: string[];
}

/**
 * What the planner learns from outside the store: a service's open connections as its
 * traffic adapter last counted them, and where a deployment's analysis stands.
 */
export interface OperationSensors {
  connections?: (service: string) => ReadonlyMap<string, number> | undefined;
  analysis?: (tx: Store, operation: Operation, service: Service, now: number) => Promise<AnalysisJudgement | undefined>;
}

/** Undefined when the operation or its service no longer exists; the plan may be empty. */
export async function reconcileOperation(store: Store, events: EventSink, id: string, now: () => number, sensors: OperationSensors = {}): Promise<OperationStep | undefined> {
  return transactionWithEvents(store, events, async (tx) => {
    const operation = await tx.getOperation(id);
    if (operation === undefined) return undefined;
    const service = await tx.getService(operation.service);
    if (service === undefined) return undefined;
    const [targets, instances] = await Promise.all([tx.listTargets(id), tx.listInstances({ service: operation.service })]);
    const instancesById = new Map(instances.map((i) => [i.instance_id, i]));
    const at = now();
    // Session counts matter only to a service that drains before it replaces (drain_s > 0).
    const openSessions = service.drain_s > 0 ? new Map(Object.entries(await tx.countOpenSessionsByInstance(service.name, at))) : undefined;
    const connections = service.traffic === null ? undefined : sensors.connections?.(service.name);
    const analysis = await sensors.analysis?.(tx, operation, service, at);
    const plan = planOperation({
      operation,
      targets,
      instances: instancesById,
      service,
      now: at,
      ...(openSessions ? { openSessions } : {}),
      ...(connections ? { connections } : {}),
      ...(analysis ? { analysis } : {}),
    });
    if (isEmptyPlan(plan)) return { plan, hosts: [] };
    await applyOperationPlan(tx, operation, plan, at);
    const hosts = plan.goals.map((g) => instancesById.get(g.instance_id)?.host).filter((h): h is string => h !== undefined);
    return { plan, hosts };
  });
}
