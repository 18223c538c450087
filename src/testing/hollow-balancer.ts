/**
 * Test support (not built): a "hollow" load balancer, like Kubernetes' hollow nodes: no
 * sockets, but the behaviour of one behind the TrafficAdapter interface. It keeps each
 * instance's state and weight as applied, counts connections a test sets, can be told to
 * fail an action, and can forget its runtime state as an HAProxy reload does. End-to-end
 * tests use real HAProxy and nginx; this one serves the planner's scenario tests.
 */
import type { DesiredTraffic, ObservedTraffic, TrafficAdapter, TrafficResult, TrafficTarget } from '../server/traffic/traffic-adapter.js';

export class HollowBalancer implements TrafficAdapter {
  /** What the balancer does with each instance now; an instance absent here serves at weight 1 (its configuration). */
  readonly servers = new Map<string, ObservedTraffic>();
  /** Open connections per instance, as a test sets them. */
  readonly openConnections = new Map<string, number>();
  /** Every change applied, in order: `drain i1`, `ready i1 100`. */
  readonly log: string[] = [];
  /** Actions that fail while set, with this message. */
  failing: { action: 'drain' | 'ready'; error: string } | null = null;
  /** When false, connections cannot be counted (an adapter like `command`). */
  countsConnections = true;
  /** Instances the balancer's own health check has down: in traffic by Ferry's word, but not served. */
  readonly checkDown = new Set<string>();

  async apply(desired: readonly DesiredTraffic[], changed: ReadonlySet<string>): Promise<Map<string, TrafficResult>> {
    const results = new Map<string, TrafficResult>();
    for (const want of desired) {
      if (!changed.has(want.instance_id)) continue;
      if (this.failing !== null && this.failing.action === want.state) {
        results.set(want.instance_id, { ok: false, error: this.failing.error });
        continue;
      }
      this.servers.set(want.instance_id, { state: want.state, weight: want.weight });
      this.log.push(want.state === 'drain' ? `drain ${want.instance_id}` : `ready ${want.instance_id} ${want.weight}`);
      results.set(want.instance_id, { ok: true });
    }
    return results;
  }

  async activeConnections(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, number> | undefined> {
    if (!this.countsConnections) return undefined;
    return new Map(targets.map((t) => [t.instance_id, this.openConnections.get(t.instance_id) ?? 0]));
  }

  async observe(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, ObservedTraffic>> {
    return new Map(
      targets.map((t) => {
        const server = this.servers.get(t.instance_id) ?? { state: 'ready' as const, weight: 1 };
        return [t.instance_id, server.state === 'ready' ? { ...server, serving: !this.checkDown.has(t.instance_id) } : server];
      }),
    );
  }

  /** Forgets every runtime change, as a reload of the balancer's configuration does. */
  reload(): void {
    this.servers.clear();
  }

  /** Instances that take new requests now. */
  serving(): string[] {
    return [...this.servers.entries()].filter(([, s]) => s.state === 'ready' && s.weight > 0).map(([id]) => id);
  }
}
