/**
 * Drift handling's side of the reconcile loop. Level-triggered: each pass reads every
 * service's instances, active operation, releases and host heartbeats from the store,
 * asks the pure `planDrift` what to do, and applies the plan in one transaction. The
 * operation reconciler runs it after its own pass, so it runs after every heartbeat
 * (which kicks the loop) and on the loop's timer; a rebuild it starts is an ordinary
 * operation that the same loop then carries out.
 */
import { isEmptyDriftPlan } from '../../core/drift/drift-plan.js';
import { planDrift } from '../../core/drift/plan-drift.js';
import type { ServerContext } from '../server-context.js';
import { newOperationId } from '../features/operations/start-operation.js';
import { activeOperationOf } from '../features/services/service-lookup.js';
import { applyDriftPlan } from './apply-drift-plan.js';
import { transactionWithEvents } from '../events/record-event.js';

export class DriftReconciler {
  constructor(private readonly ctx: ServerContext) {}

  /** One pass over every service; true when it started a rebuild (the loop should run again). */
  async reconcileOnce(): Promise<boolean> {
    let started = false;
    // Heartbeat times feed only the silent-host rule; one read serves every service of the pass.
    const hosts = await this.ctx.store.listHosts();
    const hostHeartbeats = new Map(hosts.map((h) => [h.host, h.last_heartbeat_at]));
    for (const service of await this.ctx.store.listServices()) {
      if (await this.reconcileService(service.name, hostHeartbeats)) started = true;
    }
    return started;
  }

  private async reconcileService(name: string, hostHeartbeats: ReadonlyMap<string, number>): Promise<boolean> {
    return transactionWithEvents(this.ctx.store, this.ctx.events, async (tx) => {
      const service = await tx.getService(name);
      if (service === undefined) return false;
      const [instances, active, releases] = await Promise.all([tx.listInstances({ service: name }), activeOperationOf(tx, name), tx.listReleases(name)]);
      const plan = planDrift({
        service,
        instances,
        activeOperation: active?.operation,
        activeTargets: active?.targets ?? [],
        registeredVersions: new Set(releases.map((r) => r.version)),
        hostHeartbeats,
        heartbeatS: this.ctx.timers.heartbeatS,
        now: this.ctx.now(),
        rebuildId: newOperationId('deploy'),
      });
      if (isEmptyDriftPlan(plan)) return false;
      // Its events reach the log once committed, like every event (events/event-log.ts).
      await applyDriftPlan(tx, plan);
      return plan.rebuild !== null;
    });
  }
}
