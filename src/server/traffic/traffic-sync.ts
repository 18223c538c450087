/**
 * Hands the planner's traffic intents to each service's adapter and records what the
 * adapter did, level-triggered like the reconcile loop: every pass it applies intents the
 * adapter has not confirmed, retries failed ones after `retryMs`, and re-applies what the
 * balancer lost (an HAProxy reload forgets runtime state), so nothing stays drained by
 * mistake. It also keeps each service's latest connection counts for the planner's drains.
 * The reconcile loop is its only caller, so at most one sync per service runs at a time.
 */
import type { Logger } from 'pino';
import { currentIntent, withApplied } from '../../core/traffic/next-traffic.js';
import type { InstanceTraffic, TrafficSpec } from '../../core/traffic/traffic-spec.js';
import type { Instance, Service } from '../../core/types.js';
import type { Store } from '../../store/store.js';
import { DEFAULT_TRAFFIC_DRAIN_S } from '../../core/operations/traffic-decisions.js';
import type { DesiredTraffic, ObservedTraffic, TrafficAdapter, TrafficResult, TrafficTarget } from './traffic-adapter.js';

export interface TrafficSyncDeps {
  store: Store;
  log: Logger;
  now: () => number;
  createAdapter: (spec: TrafficSpec) => TrafficAdapter;
  /** How soon an intent the adapter failed is tried again. */
  retryMs: number;
}

/** How long a ready instance may stay down by the balancer's own check before that counts as the adapter failing it. */
export const SERVING_WAIT_MS = 30_000;

export class TrafficSync {
  private readonly adapters = new Map<string, { key: string; adapter: TrafficAdapter }>();
  private readonly connectionCounts = new Map<string, ReadonlyMap<string, number>>();
  /** Services with a drained instance that still has open connections: a drain is being waited on. */
  private readonly openDrains = new Set<string>();
  /** `instance_id@seq` of ready intents the adapter applied while the balancer's check had the instance down: their service and since when. */
  private readonly awaitingServing = new Map<string, { service: string; since: number }>();

  constructor(private readonly deps: TrafficSyncDeps) {}

  /** Syncs every service that declares traffic; true when a result was recorded (the planner has news). */
  async syncAll(): Promise<boolean> {
    const services = (await this.deps.store.listServices()).filter((s) => s.traffic !== null);
    if (services.length === 0 && this.adapters.size === 0) return false;
    // Where each host's instances are reached, read once for every service of this sync.
    const addresses = new Map((await this.deps.store.listHosts()).map((h) => [h.host, h.address]));
    let recorded = false;
    for (const service of services) if (await this.syncService(service, addresses)) recorded = true;
    for (const name of this.adapters.keys()) if (!services.some((s) => s.name === name)) this.forget(name);
    return recorded;
  }

  /**
   * True while some drained instance still has connections open: the reconcile loop then
   * looks again soon, so a batch starts as soon as its drain ends, not a loop period later.
   */
  waitingOnDrains(): boolean {
    return this.openDrains.size > 0 || this.awaitingServing.size > 0;
  }

  /** Open connections per instance of `service` as its adapter last counted them; undefined when it cannot tell. */
  connections(service: string): ReadonlyMap<string, number> | undefined {
    return this.connectionCounts.get(service);
  }

  private async syncService(service: Service, addresses: ReadonlyMap<string, string>): Promise<boolean> {
    const adapter = this.adapterFor(service);
    const instances = await this.deps.store.listInstances({ service: service.name });
    // A removed instance stays in the balancer's view, drained, until its row goes (its agent stops it meanwhile).
    const live = instances.filter((i) => i.removed_at === null || i.traffic?.intent.state === 'drain');
    const targets = live.map((i): TrafficTarget => ({ instance_id: i.instance_id, service: service.name, host: i.host, address: addresses.get(i.host) ?? i.host, port: i.port }));
    const desired = live.map((i, n): DesiredTraffic => ({ ...targets[n]!, ...currentIntent(i.traffic) }));
    const observed = await adapter.observe(targets).catch(() => undefined);
    const now = this.deps.now();
    let recorded = await this.recordNowServing(live, observed, now);
    const changed = new Set(live.filter((i) => this.needsApply(i, observed?.get(i.instance_id), now)).map((i) => i.instance_id));
    if (changed.size > 0) {
      const results = await adapter.apply(desired, changed);
      if (await this.record(live.filter((i) => changed.has(i.instance_id)), results, now, observed)) recorded = true;
    }
    const counts = await adapter.activeConnections(targets).catch(() => undefined);
    if (counts === undefined) this.connectionCounts.delete(service.name);
    else this.connectionCounts.set(service.name, counts);
    // Only a drain a change may be waiting on (younger than its cap), not an instance kept out for good (quarantined).
    const capMs = Math.max(service.drain_s, DEFAULT_TRAFFIC_DRAIN_S) * 1000;
    const draining = live.some((i) => i.traffic?.intent.state === 'drain' && now - i.traffic.intent.at <= capMs && (counts?.get(i.instance_id) ?? 0) > 0);
    if (draining) this.openDrains.add(service.name);
    else this.openDrains.delete(service.name);
    return recorded;
  }

  /**
   * An instance Ferry set an intent for is applied when the adapter has not confirmed that
   * intent, when it failed it `retryMs` ago, or when the balancer shows something else now.
   * An instance Ferry never touched is left as the balancer's own configuration has it.
   */
  private needsApply(instance: Instance, observed: ObservedTraffic | undefined, now: number): boolean {
    const traffic = instance.traffic;
    if (traffic === null || traffic === undefined) return false;
    const applied = traffic.applied;
    // Applied, and waiting for the balancer's check to see it up: not applied again meanwhile.
    if (this.awaitingServing.has(servingKey(instance.instance_id, traffic.intent.seq)) && observed?.state === 'ready') return false;
    if (applied === null || applied.seq !== traffic.intent.seq) return true;
    if (!applied.ok) return now - applied.at >= this.deps.retryMs;
    if (observed === undefined) return false;
    if (observed.state !== traffic.intent.state) return true;
    return traffic.intent.state === 'ready' && observed.weight !== traffic.intent.weight;
  }

  /**
   * Records each result on the intent it answered; an intent replaced meanwhile keeps its
   * own state. A `ready` the balancer's check does not see serving yet is recorded later,
   * by recordNowServing, once it does.
   */
  private async record(instances: Instance[], results: Map<string, TrafficResult>, now: number, observed: ReadonlyMap<string, ObservedTraffic> | undefined): Promise<boolean> {
    let recorded = false;
    for (const instance of instances) {
      const traffic = instance.traffic as InstanceTraffic;
      const result = results.get(instance.instance_id) ?? { ok: false, error: 'the adapter gave no result for this instance' };
      const was = traffic.applied;
      if (result.ok && was !== null && was.ok && was.seq === traffic.intent.seq) continue; // a re-apply of what was already confirmed
      if (result.ok && traffic.intent.state === 'ready' && observed?.get(instance.instance_id)?.serving === false) {
        this.awaitingServing.set(servingKey(instance.instance_id, traffic.intent.seq), { service: instance.service, since: now });
        continue;
      }
      if (!result.ok) this.deps.log.warn({ service: instance.service, instance_id: instance.instance_id, action: traffic.intent.state, err: result.error }, 'traffic adapter failed');
      const next = withApplied(traffic, { seq: traffic.intent.seq, ok: result.ok, at: now, ...(result.ok ? {} : { error: result.error }) });
      if (next !== null && (await this.deps.store.updateInstanceTraffic(instance.instance_id, traffic, next))) recorded = true;
    }
    return recorded;
  }

  /** Confirms the ready intents applied earlier whose instance the balancer's check now sees up. */
  private async recordNowServing(live: Instance[], observed: ReadonlyMap<string, ObservedTraffic> | undefined, now: number): Promise<boolean> {
    let recorded = false;
    for (const instance of live) {
      const traffic = instance.traffic;
      if (traffic === null || traffic === undefined) continue;
      const key = servingKey(instance.instance_id, traffic.intent.seq);
      const waiting = this.awaitingServing.get(key);
      if (waiting === undefined) continue;
      const down = observed?.get(instance.instance_id)?.serving === false;
      if (down && now - waiting.since < SERVING_WAIT_MS) continue;
      this.awaitingServing.delete(key);
      // Still down after SERVING_WAIT_MS: a failure the planner acts on (and the sync retries later).
      const result = down ? { ok: false, error: `the balancer's own health check still has the instance down ${SERVING_WAIT_MS / 1000} s after it was let back in` } : { ok: true };
      const next = withApplied(traffic, { seq: traffic.intent.seq, at: now, ...result });
      if (next !== null && (await this.deps.store.updateInstanceTraffic(instance.instance_id, traffic, next))) recorded = true;
    }
    // Intents replaced meanwhile, and instances gone, are no longer waited on.
    const service = live[0]?.service;
    const current = new Set(live.map((i) => (i.traffic ? servingKey(i.instance_id, i.traffic.intent.seq) : '')));
    for (const [key, of] of this.awaitingServing) if (of.service === service && !current.has(key)) this.awaitingServing.delete(key);
    return recorded;
  }

  /** The service's adapter, made anew when its traffic spec changed. */
  private adapterFor(service: Service): TrafficAdapter {
    const key = JSON.stringify(service.traffic);
    const known = this.adapters.get(service.name);
    if (known !== undefined && known.key === key) return known.adapter;
    const adapter = this.deps.createAdapter(service.traffic as TrafficSpec);
    this.adapters.set(service.name, { key, adapter });
    return adapter;
  }

  private forget(service: string): void {
    for (const [key, of] of this.awaitingServing) if (of.service === service) this.awaitingServing.delete(key);
    this.openDrains.delete(service);
    this.adapters.delete(service);
    this.connectionCounts.delete(service);
  }
}

/** One ready intent of one instance, as awaitingServing keys it. */
function servingKey(instanceId: string, seq: number): string {
  return `${instanceId}@${seq}`;
}
