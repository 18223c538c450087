/**
 * Drift handling's side of the reconcile loop. Level-triggered: each pass reads every
 * service's instances, active operation, releases and host heartbeats from the store,
 * asks the pure `planDrift` what to do, and applies the plan in one transaction. The
 * operation reconciler runs it after its own pass, so it runs after heartbeats that
 * change something (which kick the loop) and on the loop's timer; a rebuild it starts is
 * an ordinary operation that the same loop then carries out.
 *
 * Most passes find nothing to do, so a pass first plans every service from a few
 * whole-fleet reads, outside any transaction, and yields to the event loop between
 * services; only a service whose plan is not empty is read again and planned again in
 * its own transaction, which alone applies anything. A change landing between the two
 * reads is seen by the next pass, as with any level-triggered loop.
 */
import { isEmptyDriftPlan } from '../../core/drift/drift-plan.js';
import { planDrift } from '../../core/drift/plan-drift.js';
import type { Operation, OperationTarget, Release, Service, Instance } from '../../core/types.js';
import type { ServerContext } from '../server-context.js';
import { newOperationId } from '../features/operations/start-operation.js';
import { activeOperationOf } from '../features/services/service-lookup.js';
import { applyDriftPlan } from './apply-drift-plan.js';
import { transactionWithEvents } from '../events/record-event.js';
import { yieldToEventLoop } from '../yield-to-event-loop.js';

export class DriftReconciler {
  constructor(private readonly ctx: ServerContext) {}

  /** One pass over every service; true when it started a rebuild (the loop should run again). */
  async reconcileOnce(): Promise<boolean> {
    let started = false;
    const store = this.ctx.store;
    const [hosts, services, instances, active] = await Promise.all([store.listHosts(), store.listServices(), store.listInstances({}), store.listOperations({ activeOnly: true })]);
    // Heartbeat times feed only the silent-host rule; one read serves every service of the pass.
    const hostHeartbeats = new Map(hosts.map((h) => [h.host, h.last_heartbeat_at]));
    const instancesOf = groupBy(instances, (i) => i.service);
    // Newest first, and at most one active operation per service holds its lock: the first one seen is the holder.
    const activeOf = new Map<string, Operation>();
    for (const operation of active) if (!activeOf.has(operation.service)) activeOf.set(operation.service, operation);
    for (const service of services) {
      await yieldToEventLoop();
      const operation = activeOf.get(service.name);
      const [releases, targets] = await Promise.all([store.listReleases(service.name), operation === undefined ? [] : store.listTargets(operation.id)]);
      const draft = this.plan({ service, instances: instancesOf.get(service.name) ?? [], operation, targets, releases }, hostHeartbeats);
      if (isEmptyDriftPlan(draft)) continue;
      if (await this.reconcileService(service.name, hostHeartbeats)) started = true;
    }
    return started;
  }

  private plan(read: ServiceReads, hostHeartbeats: ReadonlyMap<string, number>) {
    return planDrift({
      service: read.service,
      instances: read.instances,
      activeOperation: read.operation,
      activeTargets: read.targets,
      registeredVersions: new Set(read.releases.map((r) => r.version)),
      hostHeartbeats,
      heartbeatS: this.ctx.timers.heartbeatS,
      now: this.ctx.now(),
      rebuildId: newOperationId('deploy'),
    });
  }

  private async reconcileService(name: string, hostHeartbeats: ReadonlyMap<string, number>): Promise<boolean> {
    return transactionWithEvents(this.ctx.store, this.ctx.events, async (tx) => {
      const service = await tx.getService(name);
      if (service === undefined) return false;
      const [instances, active, releases] = await Promise.all([tx.listInstances({ service: name }), activeOperationOf(tx, name), tx.listReleases(name)]);
      const plan = this.plan({ service, instances, operation: active?.operation, targets: active?.targets ?? [], releases }, hostHeartbeats);
      if (isEmptyDriftPlan(plan)) return false;
      // Its events reach the log once committed, like every event (events/event-log.ts).
      await applyDriftPlan(tx, plan);
      return plan.rebuild !== null;
    });
  }
}

interface ServiceReads {
  service: Service;
  instances: Instance[];
  operation: Operation | undefined;
  targets: OperationTarget[];
  releases: Release[];
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group === undefined) groups.set(keyOf(item), [item]);
    else group.push(item);
  }
  return groups;
}
