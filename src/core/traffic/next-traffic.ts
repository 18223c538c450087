/**
 * How an instance's traffic state moves: a new intent gets the next sequence number and
 * keeps the last adapter result (which then answers an older intent, so it counts as not
 * applied); an intent equal to the current one changes nothing, so a planner that asks for
 * the same state pass after pass never makes the sync call the adapter again.
 */
import { defaultIntent, type InstanceTraffic, type TrafficApplied, type TrafficIntent } from './traffic-spec.js';

export type WantedTraffic = Pick<TrafficIntent, 'state' | 'weight'>;

/** The traffic state with `wanted` as its intent, or null when that already is the intent. */
export function withIntent(current: InstanceTraffic | null | undefined, wanted: WantedTraffic, at: number): InstanceTraffic | null {
  const intent = current?.intent;
  if (intent !== undefined && intent.state === wanted.state && intent.weight === wanted.weight) return null;
  return { intent: { state: wanted.state, weight: wanted.weight, seq: (intent?.seq ?? 0) + 1, at }, applied: current?.applied ?? null };
}

/** The traffic state with the adapter's result recorded; null when it answers an intent that is no longer current. */
export function withApplied(current: InstanceTraffic | null | undefined, applied: TrafficApplied): InstanceTraffic | null {
  if (current === null || current === undefined || current.intent.seq !== applied.seq) return null;
  return { intent: current.intent, applied };
}

/** What the instance should be at its load balancer now: its intent, or in traffic at equal weight. */
export function currentIntent(traffic: InstanceTraffic | null | undefined): WantedTraffic {
  return traffic === null || traffic === undefined ? defaultIntent() : { state: traffic.intent.state, weight: traffic.intent.weight };
}
