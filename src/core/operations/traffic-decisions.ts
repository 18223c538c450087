/**
 * The planner's traffic rules for a service with `traffic` (CONTRACT §5), as small pure
 * decisions the deployment planner composes. Every instance change goes
 *   drain → wait for its connections to reach 0 (or the drain cap) → stop → start
 *   → health gate → verify → ready
 * and a step waits for the adapter to confirm each intent (the sync records what the
 * adapter did on the instance), so a batch never starts before the last one is serving.
 */
import { intentApplied, intentFailure } from '../traffic/traffic-spec.js';
import type { Instance, Reason } from '../types.js';

/**
 * How long a drain waits for connections to end when the service sets no `drain_s`. An
 * adapter that can count connections usually sees 0 within milliseconds; this caps a
 * connection that never ends.
 */
export const DEFAULT_TRAFFIC_DRAIN_S = 30;

/** The share of a rollback's instances changed at once behind a load balancer, when the service sets none. */
export const DEFAULT_ROLLBACK_BATCH_PERCENT = 50;

export type TrafficWait = { state: 'waiting' } | { state: 'done' } | { state: 'failed'; reason: Reason };

export interface DrainInputs {
  instance: Instance;
  /** Open connections the adapter counts on the instance; undefined when it cannot tell. */
  connections: number | undefined;
  /** Open Ferry sessions on the instance (counted only when the service sets drain_s). */
  sessions: number;
  drainedForMs: number;
  /** The service's drain_s, in ms; 0 when it sets none. */
  drainMs: number;
}

/**
 * Whether a draining instance may be stopped now:
 *   drain not yet confirmed by the adapter               → waiting
 *   the adapter failed the drain                         → failed (traffic_adapter_failed)
 *   confirmed, 0 connections, no sessions                → done
 *   confirmed, 3 connections, drained 2 s, cap 30 s      → waiting
 *   confirmed, connections unknown, drain_s 0            → done (nothing to wait on)
 *   confirmed, anything open, drained past the cap       → done
 */
export function drainWait(input: DrainInputs): TrafficWait {
  const { instance } = input;
  const failure = intentFailure(instance.traffic);
  if (failure !== null && instance.traffic?.intent.state === 'drain') return { state: 'failed', reason: adapterFailure(instance.instance_id, 'drain', failure) };
  if (instance.traffic?.intent.state !== 'drain' || !intentApplied(instance.traffic)) return { state: 'waiting' };
  const capMs = input.connections === undefined ? input.drainMs : input.drainMs > 0 ? input.drainMs : DEFAULT_TRAFFIC_DRAIN_S * 1000;
  const busy = (input.connections ?? 0) > 0 || input.sessions > 0;
  return !busy || input.drainedForMs >= capMs ? { state: 'done' } : { state: 'waiting' };
}

/**
 * Whether an instance set back to `ready` serves again, as the adapter confirmed (at any
 * weight: a later weight change does not take it out of traffic). An instance with no
 * traffic state was never taken out.
 */
export function readyWait(instance: Instance): TrafficWait {
  const traffic = instance.traffic;
  if (traffic === null || traffic === undefined) return { state: 'done' };
  const failure = intentFailure(traffic);
  if (failure !== null && traffic.intent.state === 'ready') return { state: 'failed', reason: adapterFailure(instance.instance_id, 'ready', failure) };
  return traffic.intent.state === 'ready' && intentApplied(traffic) ? { state: 'done' } : { state: 'waiting' };
}

function adapterFailure(instanceId: string, action: 'drain' | 'ready', error: string): Reason {
  const verb = action === 'drain' ? 'draining' : 'returning';
  return { code: 'traffic_adapter_failed', message: `${verb} instance ${instanceId} ${action === 'drain' ? 'out of' : 'to'} traffic failed: ${error}` };
}

/**
 * How many instances a rollback changes at once behind a load balancer: its percent of
 * them, rounded up, at least 1, and never all of them while there are two or more, so
 * some instance always serves.
 *   8 instances, 50 % → 4;  3 instances, 50 % → 2;  2 instances, 100 % → 1;  1 instance → 1
 */
export function rollbackWindow(total: number, percent: number | null): number {
  if (total <= 1) return Math.max(0, total);
  const wanted = Math.ceil(((percent ?? DEFAULT_ROLLBACK_BATCH_PERCENT) * total) / 100);
  return Math.min(total - 1, Math.max(1, wanted));
}
