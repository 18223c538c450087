/**
 * The traffic parts of a service's declaration (CONTRACT §5) and the per-instance traffic
 * state the planner intends. Types only: the planner decides intents (drain before a
 * change, ready after it, canary weights), the traffic sync hands them to an adapter, and
 * adapters only execute them.
 */

/** HAProxy's runtime API on a unix socket path or `tcp:HOST:PORT`. */
export interface HaproxyTrafficSpec {
  type: 'haproxy';
  socket: string;
  backend: string;
  /** Template over the traffic placeholders; default `{instance}`. */
  server_name?: string;
}

/** An nginx upstream block Ferry owns in `upstream_file`, reloaded with the `reload` argv. */
export interface NginxTrafficSpec {
  type: 'nginx';
  upstream_file: string;
  upstream: string;
  reload: string[];
}

/** An argv template run without a shell for every change; placeholders in TRAFFIC_PLACEHOLDERS. */
export interface CommandTrafficSpec {
  type: 'command';
  command: string[];
  /** Seconds the command may run; default 10. */
  timeout_s?: number;
}

export type TrafficSpec = HaproxyTrafficSpec | NginxTrafficSpec | CommandTrafficSpec;

/** The only placeholders a traffic template may use (`server_name`, `command`). */
export const TRAFFIC_PLACEHOLDERS = ['service', 'instance', 'host', 'port', 'weight', 'action'] as const;

/**
 * The weight an instance gets when every instance weighs the same. It is on HAProxy's
 * scale (0–256), so canary shares can be expressed finely without leaving that scale.
 */
export const EQUAL_WEIGHT = 100;

/** What Ferry wants the load balancer to do with one instance. */
export interface TrafficIntent {
  /** `ready`: takes new requests by its weight; `drain`: finishes what it has, takes nothing new. */
  state: 'ready' | 'drain';
  /** 0–256, EQUAL_WEIGHT when no canary weight step applies. */
  weight: number;
  /** Grows with every new intent, so the sync knows which one an adapter result answers. */
  seq: number;
  /** When the planner set it. */
  at: number;
}

/** What the adapter did with an intent: `ok` false carries its error for the planner. */
export interface TrafficApplied {
  seq: number;
  ok: boolean;
  at: number;
  error?: string;
}

/** An instance's traffic state (instances.traffic_json, migration 017). */
export interface InstanceTraffic {
  intent: TrafficIntent;
  applied: TrafficApplied | null;
}

/** The intent of an instance nobody set one for: in traffic at equal weight. */
export function defaultIntent(): Pick<TrafficIntent, 'state' | 'weight'> {
  return { state: 'ready', weight: EQUAL_WEIGHT };
}

/** True once the adapter confirmed the instance's current intent. */
export function intentApplied(traffic: InstanceTraffic | null | undefined): boolean {
  return traffic !== null && traffic !== undefined && traffic.applied !== null && traffic.applied.seq === traffic.intent.seq && traffic.applied.ok;
}

/** The adapter's error for the current intent, or null while it has not failed it. */
export function intentFailure(traffic: InstanceTraffic | null | undefined): string | null {
  if (traffic === null || traffic === undefined || traffic.applied === null) return null;
  if (traffic.applied.seq !== traffic.intent.seq || traffic.applied.ok) return null;
  return traffic.applied.error ?? 'the traffic adapter failed';
}
