/**
 * Which instances each channel takes (CONTRACT §4 Channels). `stable` is whatever no
 * other channel takes; every other channel takes a share of the service's instances,
 * chosen deterministically, and never so many that stable is left with none: a channel
 * that would cover the whole service is refused as data (`channel_covers_service`).
 */
import type { ChannelSpec } from '../types.js';
import { refuse, type Refusal } from '../result.js';

export const STABLE = 'stable';
export const CANARY = 'canary';

/** How many instances of `total` one channel spec asks for (before the stable check). */
export type ChannelShare = ChannelSpec | { ratio: number };

/**
 * The instances a share asks for, rounded up and at least 1 (when there is any instance).
 * Worked examples, Argo style:
 *   10 instances, {percent: 10}   → 1
 *   10 instances, {percent: 15}   → 2   (ceil 1.5)
 *    4 instances, {instances: 1}  → 1
 *    3 instances, {instances: 5}  → 3   (then refused: it covers the service)
 *   30 instances, ratio 0.1       → 3   (RELEASE_CANARY_RATIO, when canary is not declared)
 *    4 instances, ratio 0.1       → 1   (ceil 0.4)
 * A tiny epsilon keeps binary fractions from rounding up: 30 × 0.1 is 3.0000000000000004.
 */
export function shareCount(share: ChannelShare, total: number): number {
  if (total <= 0) return 0;
  if ('instances' in share) return Math.min(share.instances, total);
  const fraction = 'percent' in share ? share.percent / 100 : share.ratio;
  return Math.min(total, Math.max(1, Math.ceil(total * fraction - 1e-9)));
}

export interface ChannelAssignment {
  ok: true;
  /** Channel name → its instance ids, sorted; `canary` always, then declared channels by name. */
  channels: Record<string, string[]>;
  /** What no other channel takes: at least one instance whenever the service has any. */
  stable: string[];
}

export interface AssignInput {
  channels: Record<string, ChannelSpec>;
  instanceIds: string[];
  /** RELEASE_CANARY_RATIO: the canary's share when the service declares no canary. */
  defaultCanaryRatio: number;
}

/**
 * Takes each channel's share from the instances still free, in instance_id order: canary
 * first, then other channels by name, so a channel keeps its instances as long as the
 * instance list and the spec stay the same. Refuses when a channel would leave stable empty
 * (one instance, or shares adding up to all) or when the service has no instance.
 */
export function assignChannels(input: AssignInput): ChannelAssignment | Refusal {
  const free = [...input.instanceIds].sort();
  const total = free.length;
  const channels: Record<string, string[]> = {};
  for (const name of channelOrder(input.channels)) {
    const share: ChannelShare = input.channels[name] ?? { ratio: input.defaultCanaryRatio };
    const count = shareCount(share, total);
    if (count >= free.length) {
      return refuse('unprocessable', 'channel_covers_service', coverMessage(name, count, total, free.length), { channel: name, instances: total, asked: count });
    }
    channels[name] = free.splice(0, count);
  }
  return { ok: true, channels, stable: free };
}

/** canary first (declared or not), then every other declared channel by name; never stable. */
export function channelOrder(declared: Record<string, ChannelSpec>): string[] {
  const others = Object.keys(declared).filter((name) => name !== CANARY && name !== STABLE).sort();
  return [CANARY, ...others];
}

function coverMessage(name: string, count: number, total: number, free: number): string {
  if (total === 0) return `the service has no instances, so channel ${name} has none to take`;
  return `channel ${name} would take ${count} of the ${free} instance(s) left of ${total}, leaving stable none; a channel never covers the whole service`;
}
