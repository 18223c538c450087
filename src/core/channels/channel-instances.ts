/**
 * Which instances each channel takes (CONTRACT §4 Channels). `stable` is whatever no
 * other channel takes; every other channel takes a share of the service's instances,
 * chosen deterministically, and never so many that stable is left with none: a channel
 * that would cover the whole service is refused as data (`channel_covers_service`).
 * A channel is sticky: the instances its last succeeded change pinned stay in it when
 * instances come and go, so a pinned instance never slips into stable while pinned.
 */
import type { ChannelSpec, Instance } from '../types.js';
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
  /** Channel name → the instances it keeps first (keptInstances); absent: none. */
  kept?: Record<string, string[]>;
}

/**
 * Takes each channel's share from the instances still free: canary first, then other
 * channels by name; each takes the instances it keeps first (by id, as many as its share
 * allows), then fills up in instance_id order. Adding or removing an instance therefore
 * never moves a kept instance out of its channel; only a share that shrinks below what
 * is kept drops the highest ids. Refuses when a channel would leave stable empty (one
 * instance, or shares adding up to all) or when the service has no instance.
 *   web-1..4, canary {instances: 1}, kept web-3        → canary [web-3]
 *   web-0 added, kept web-3                             → canary [web-3] (not web-0)
 *   kept web-9 (removed)                                → canary [web-1]
 *   canary {instances: 1}, kept web-2, web-3 (shrunk)   → canary [web-2]
 */
export function assignChannels(input: AssignInput): ChannelAssignment | Refusal {
  let free = [...input.instanceIds].sort();
  const total = free.length;
  const channels: Record<string, string[]> = {};
  for (const name of channelOrder(input.channels)) {
    const share: ChannelShare = input.channels[name] ?? { ratio: input.defaultCanaryRatio };
    const count = shareCount(share, total);
    if (count >= free.length) {
      return refuse('unprocessable', 'channel_covers_service', coverMessage(name, count, total, free.length), { channel: name, instances: total, asked: count });
    }
    const kept = new Set(input.kept?.[name] ?? []);
    const keptFree = free.filter((id) => kept.has(id)).slice(0, count);
    const fill = free.filter((id) => !kept.has(id)).slice(0, count - keptFree.length);
    const taken = new Set([...keptFree, ...fill]);
    channels[name] = [...taken].sort();
    free = free.filter((id) => !taken.has(id));
  }
  return { ok: true, channels, stable: free };
}

/** What keptInstances reads of a channel's newest succeeded change (a history row). */
export interface SucceededChange {
  version: string;
  /** The instances its operation targeted. */
  targetIds: string[];
}

/**
 * The instances a channel keeps: those its newest succeeded change (deploy or rollback)
 * targeted that are still live and still pinned to that change's version. A promotion
 * clears the pins, so afterwards nothing is kept and the channel takes instances by id.
 */
export function keptInstances(change: SucceededChange | undefined, live: Map<string, Pick<Instance, 'pinned_version'>>): string[] {
  if (change === undefined) return [];
  return change.targetIds.filter((id) => live.get(id)?.pinned_version === change.version).sort();
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
