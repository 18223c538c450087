/**
 * Drift handling's side of the reconcile loop. Level-triggered: each pass reads every
 * service's instances, active operation, releases and host heartbeats from the store,
 * asks the pure `planDrift` what to do, and applies the plan in one transaction. The
 * operation reconciler runs it after its own pass, so it runs after heartbeats that
 * change something (which kick the loop) and on the loop's timer; a rebuild it starts is
 * an ordinary operation that the same loop then carries out.
 *
 * Most passes find nothing to do, so a pass first plans every service from plain reads,
 * outside any transaction, one service at a time with a turn of the event loop between
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

/** The rebuild id of a plan made only to see whether a service has anything to do. */
const DRAFT_REBUILD_ID = 'draft';

export class DriftReconciler {
  constructor(private readonly ctx: ServerContext) {}

  /** One pass over every service; true when it started a rebuild (the loop should run again). */
  async reconcileOnce(): Promise<boolean> {
    let started = false;
    const store = this.ctx.store;
    const [hosts, services, active] = await Promise.all([store.listHosts(), store.listServices(), store.listOperations({ activeOnly: true })]);
    // Heartbeat times feed only the silent-host rule; one read serves every service of the pass.
    const hostHeartbeats = new Map(hosts.map((h) => [h.host, h.last_heartbeat_at]));
    // Newest first, and at most one active operation per service holds its lock: the first one seen is the holder.
    const activeOf = new Map<string, Operation>();
    for (const operation of active) if (!activeOf.has(operation.service)) activeOf.set(operation.service, operation);
    for (const service of services) {
      await yieldToEventLoop();
      const operation = activeOf.get(service.name);
      // One service's rows at a time: a whole-fleet instance read is one long synchronous stretch.
      const [instances, releases, targets] = await Promise.all([store.listInstances({ service: service.name }), store.listReleases(service.name), operation === undefined ? [] : store.listTargets(operation.id)]);
      // A draft is never applied, so it needs no fresh operation id (making one per service per pass was a measurable cost).
      const draft = this.plan({ service, instances, operation, targets, releases }, hostHeartbeats, DRAFT_REBUILD_ID);
      if (isEmptyDriftPlan(draft)) continue;
      if (await this.reconcileService(service.name, hostHeartbeats)) started = true;
    }
    return started;
  }

  private plan(read: ServiceReads, hostHeartbeats: ReadonlyMap<string, number>, rebuildId: string) {
    return planDrift({
      service: read.service,
      instances: read.instances,
      activeOperation: read.operation,
      activeTargets: read.targets,
      registeredVersions: new Set(read.releases.map((r) => r.version)),
      hostHeartbeats,
      heartbeatS: this.ctx.timers.heartbeatS,
      now: this.ctx.now(),
      rebuildId,
    });
  }

  private async reconcileService(name: string, hostHeartbeats: ReadonlyMap<string, number>): Promise<boolean> {
    return transactionWithEvents(this.ctx.store, this.ctx.events, async (tx) => {
      const service = await tx.getService(name);
      if (service === undefined) return false;
      const [instances, active, releases] = await Promise.all([tx.listInstances({ service: name }), activeOperationOf(tx, name), tx.listReleases(name)]);
      const plan = this.plan({ service, instances, operation: active?.operation, targets: active?.targets ?? [], releases }, hostHeartbeats, newOperationId('deploy'));
      if (isEmptyDriftPlan(plan)) return false;
      // Its events reach the log once committed, like every event (events/event-log.ts).
      await applyDriftPlan(tx, plan, this.ctx.now());
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
