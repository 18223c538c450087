/**
 * Keeps the fleet gauges current: one bounded read of the store (services, instances,
 * hosts, the active operations' targets, releases: what exists now, never past
 * operations, read in per-service slices), the pure computeFleetGauges, and a wholesale replace in the registry.
 * The reconcile loop calls `refreshIfDue` after each pass, at most once per loop period
 * however often heartbeats kick it; the server calls `refresh` once at start, so gauges
 * are right from the first scrape after a restart.
 */
import { computeFleetGauges, type FleetGauges } from '../../core/metrics/fleet-gauges.js';
import type { Instance, OperationTarget } from '../../core/types.js';
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

/**
 * The fleet gauges as the store holds the fleet at `now`. Instances and releases are read
 * one service at a time with a turn of the event loop between services: the SQLite driver
 * is synchronous, and a whole-fleet read held every request back for its whole length.
 */
export async function loadFleetGauges(store: Store, heartbeatS: number, now: number): Promise<FleetGauges> {
  const [services, hosts, active] = await Promise.all([store.listServices(), store.listHosts(), store.listOperations({ activeOnly: true })]);
  const activeTargets = new Map<string, OperationTarget>();
  // At most one active operation per service holds the lock, so this is bounded by the number of services.
  for (const targets of await Promise.all(active.map((op) => store.listTargets(op.id)))) {
    for (const target of targets) activeTargets.set(target.instance_id, target);
  }
  const instances: Instance[] = [];
  const registeredVersions = new Map<string, Set<string>>();
  for (const service of services) {
    await yieldToEventLoop();
    const [ofService, releases] = await Promise.all([store.listInstances({ service: service.name }), store.listReleases(service.name)]);
    instances.push(...ofService);
    registeredVersions.set(service.name, new Set(releases.map((r) => r.version)));
  }
  // In the order a whole-fleet read gives them.
  instances.sort((a, b) => (a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0));
  return computeFleetGauges({ now, heartbeatS, services, instances, hosts, activeTargets, registeredVersions });
}
