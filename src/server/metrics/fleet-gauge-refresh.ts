/**
 * Keeps the fleet gauges current: one bounded read of the store (services, instances,
 * hosts, the active operations' targets, releases: what exists now, never past
 * operations), the pure computeFleetGauges, and a wholesale replace in the registry.
 * The reconcile loop calls `refreshIfDue` after each pass, at most once per loop period
 * however often heartbeats kick it; the server calls `refresh` once at start, so gauges
 * are right from the first scrape after a restart.
 */
import { computeFleetGauges, type FleetGauges } from '../../core/metrics/fleet-gauges.js';
import type { OperationTarget } from '../../core/types.js';
import type { Store } from '../../store/store.js';
import type { ServerContext } from '../server-context.js';
import { yieldToEventLoop } from '../yield-to-event-loop.js';

export class FleetGaugeRefresh {
  #lastAt: number | null = null;

  constructor(private readonly ctx: Pick<ServerContext, 'store' | 'timers' | 'now' | 'metrics'>) {}

  /** Refreshes unless the last refresh is less than one loop period old. */
  async refreshIfDue(): Promise<void> {
    if (this.#lastAt !== null && this.ctx.now() - this.#lastAt < this.ctx.timers.reconcileMs) return;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const now = this.ctx.now();
    this.#lastAt = now;
    this.ctx.metrics.setFleetGauges(await loadFleetGauges(this.ctx.store, this.ctx.timers.heartbeatS, now));
  }
}

/** The fleet gauges as the store holds the fleet at `now`. */
export async function loadFleetGauges(store: Store, heartbeatS: number, now: number): Promise<FleetGauges> {
  const [services, instances, hosts, active] = await Promise.all([store.listServices(), store.listInstances({}), store.listHosts(), store.listOperations({ activeOnly: true })]);
  const activeTargets = new Map<string, OperationTarget>();
  // At most one active operation per service holds the lock, so this is bounded by the number of services.
  for (const targets of await Promise.all(active.map((op) => store.listTargets(op.id)))) {
    for (const target of targets) activeTargets.set(target.instance_id, target);
  }
  const registeredVersions = new Map<string, Set<string>>();
  for (const service of services) {
    // One query per service: a turn of the event loop between them keeps requests answering (the SQLite driver is synchronous).
    await yieldToEventLoop();
    registeredVersions.set(service.name, new Set((await store.listReleases(service.name)).map((r) => r.version)));
  }
  return computeFleetGauges({ now, heartbeatS, services, instances, hosts, activeTargets, registeredVersions });
}
