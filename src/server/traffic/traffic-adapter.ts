/**
 * The one interface every load-balancer adapter implements (CONTRACT §5). The planner
 * decides what each instance should be (drain, ready, a weight); the traffic sync hands
 * that to the service's adapter, which only executes it: adapters decide nothing.
 */
import type { TrafficIntent } from '../../core/traffic/traffic-spec.js';

/** An instance as a load balancer knows it. */
export interface TrafficTarget {
  instance_id: string;
  service: string;
  /** Where the instance listens: its host's advertised address. */
  address: string;
  /** The agent's host id (the `{host}` placeholder is the address, which the balancer dials). */
  host: string;
  port: number;
}

/** An instance with the state it should have. */
export type DesiredTraffic = TrafficTarget & Pick<TrafficIntent, 'state' | 'weight'>;

export type TrafficResult = { ok: true } | { ok: false; error: string };

/** How the balancer has an instance now, as far as the adapter can read it back. */
export interface ObservedTraffic {
  state: 'ready' | 'drain' | 'other';
  weight: number;
  /**
   * Whether the balancer's own health check sends the instance requests now (HAProxy: its
   * status is UP); absent when the adapter cannot tell. A `ready` intent counts as applied
   * only once this is not false, so a batch never drains while the last one is still DOWN.
   */
  serving?: boolean;
}

export interface TrafficAdapter {
  /**
   * Makes the balancer match `desired` for the instances in `changed` (every instance of
   * the service is in `desired`: a file-based adapter rewrites the whole upstream). One
   * result per changed id; an adapter failure is a result, never a throw.
   */
  apply(desired: readonly DesiredTraffic[], changed: ReadonlySet<string>): Promise<Map<string, TrafficResult>>;
  /** Open connections per instance id, for a drain to wait on; undefined when the adapter cannot tell (the drain then waits drain_s). */
  activeConnections(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, number> | undefined>;
  /**
   * What the balancer has now per instance id, so the sync can re-apply what it lost
   * (HAProxy forgets runtime state on reload); undefined when the adapter cannot read it back.
   */
  observe(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, ObservedTraffic> | undefined>;
}
