/**
 * What each channel runs now, from the store's facts: the instances the channel takes,
 * their pins, the service's desired version and the channel history. A channel's version
 * is the pin its instances share (a succeeded channel deploy pins them); unpinned, they
 * follow stable; stable is always the desired version. The soak is the one recorded on
 * the newest history row that put that version there and succeeded.
 */
import type { Instance } from '../types.js';
import type { ChannelEntry } from './channel-entry.js';
import type { ChannelPosition } from './promotion-rules.js';
import { STABLE } from './channel-instances.js';

export interface ChannelView extends ChannelPosition {
  instances: string[];
  /** The newest history row's time; null when the channel has no history. */
  updated_at: number | null;
  /** Newest first. */
  history: ChannelEntry[];
}

export interface ViewInput {
  name: string;
  /** The channel's instances (for stable: what no other channel takes). */
  instanceIds: string[];
  instances: Map<string, Instance>;
  desiredVersion: string | null;
  /** This channel's rows, newest first. */
  history: ChannelEntry[];
}

export function viewChannel(input: ViewInput): ChannelView {
  const version = input.name === STABLE ? input.desiredVersion : sharedPin(input) ?? null;
  // Newest row that put this version here and succeeded; a newer failed row does not reset the soak.
  const entry = version === null ? undefined : input.history.find((e) => e.version === version && e.soak_started_at !== null);
  return {
    name: input.name,
    version,
    instances: input.instanceIds,
    started_at: entry?.at ?? null,
    soak_started_at: entry?.soak_started_at ?? null,
    updated_at: input.history[0]?.at ?? null,
    history: input.history,
  };
}

/**
 * The version a non-stable channel's instances run by pin: the pin every one shares;
 * the desired version when none is pinned (the channel follows stable); undefined for a
 * mix, shown as no version: a channel deploy half-applied by hand, or a share grown past
 * the instances the channel keeps (assignChannels keeps pinned ones, so instances coming
 * and going alone never mix them).
 */
function sharedPin(input: ViewInput): string | null | undefined {
  const pins = new Set(input.instanceIds.map((id) => input.instances.get(id)?.pinned_version ?? null));
  if (pins.size === 0) return null;
  if (pins.size > 1) return undefined;
  const [pin] = [...pins];
  return pin === null ? input.desiredVersion : pin;
}
