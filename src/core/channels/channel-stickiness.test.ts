/**
 * A channel keeps its pinned instances when the instance list changes (assignChannels with
 * `kept`, from keptInstances), so the canary's view keeps its version and no pinned
 * instance slips into stable while pinned.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChannelSpec } from '../types.js';
import { assignChannels, keptInstances } from './channel-instances.js';
import { viewChannel } from './channel-view.js';

type Pins = Record<string, string | null>;
const ONE: Record<string, ChannelSpec> = { canary: { instances: 1 } };

/** Assigns the instances of `pins` (id → pin) keeping what a canary deploy of v2 to `deployedTo` pinned, then views the canary. */
function canaryAfter(channels: Record<string, ChannelSpec>, pins: Pins, deployedTo: string[]) {
  const live = new Map(Object.entries(pins).map(([id, pin]) => [id, { instance_id: id, pinned_version: pin }]));
  const kept = { canary: keptInstances({ version: 'v2', targetIds: deployedTo }, live) };
  const assignment = assignChannels({ channels, instanceIds: Object.keys(pins), defaultCanaryRatio: 0.1, kept });
  if (!assignment.ok) throw new Error(assignment.message);
  const view = viewChannel({ name: 'canary', instanceIds: assignment.channels.canary!, instances: live as never, desiredVersion: 'v1', history: [] });
  return { canary: assignment.channels.canary, stable: assignment.stable, version: view.version };
}

describe('a channel keeps the instances its last succeeded change pinned', () => {
  it.each<[string, Record<string, ChannelSpec>, Pins, string[], unknown]>([
    ['nothing changed', ONE, { 'web-1': 'v2', 'web-2': null, 'web-3': null }, ['web-1'], { canary: ['web-1'], stable: ['web-2', 'web-3'], version: 'v2' }],
    ['an instance added before it by id', ONE, { 'web-0': null, 'web-1': 'v2', 'web-2': null }, ['web-1'], { canary: ['web-1'], stable: ['web-0', 'web-2'], version: 'v2' }],
    ['an instance added after it by id', ONE, { 'web-1': 'v2', 'web-2': null, 'web-9': null }, ['web-1'], { canary: ['web-1'], stable: ['web-2', 'web-9'], version: 'v2' }],
    ['the instance before it removed', ONE, { 'web-2': 'v2', 'web-3': null, 'web-4': null }, ['web-2'], { canary: ['web-2'], stable: ['web-3', 'web-4'], version: 'v2' }],
    ['the canary instance removed: the first by id follows stable', ONE, { 'web-2': null, 'web-3': null }, ['web-1'], { canary: ['web-2'], stable: ['web-3'], version: 'v1' }],
    ['the share shrinks below the pinned: the lowest ids stay', ONE, { 'web-1': null, 'web-2': 'v2', 'web-3': 'v2', 'web-4': null }, ['web-2', 'web-3'], { canary: ['web-2'], stable: ['web-1', 'web-3', 'web-4'], version: 'v2' }],
    ['a pin changed by hand since: not kept', ONE, { 'web-1': null, 'web-2': 'v3', 'web-3': null }, ['web-2'], { canary: ['web-1'], stable: ['web-2', 'web-3'], version: 'v1' }],
    ['unpinned since (a promotion): by id again', ONE, { 'web-1': null, 'web-2': null, 'web-3': null }, ['web-2'], { canary: ['web-1'], stable: ['web-2', 'web-3'], version: 'v1' }],
    [
      'the share grows: the pinned stay and the next by id joins (a mixed pin: no version until deployed again)',
      { canary: { instances: 2 } },
      { 'web-1': null, 'web-2': 'v2', 'web-3': null, 'web-4': null },
      ['web-2'],
      { canary: ['web-1', 'web-2'], stable: ['web-3', 'web-4'], version: null },
    ],
  ])('%s', (_name, channels, pins, deployedTo, expected) => {
    expect(canaryAfter(channels, pins, deployedTo)).toEqual(expected);
  });

  it('a kept instance is taken by its own channel only, and never leaves stable empty', () => {
    const channels = { canary: { instances: 1 }, beta: { instances: 1 } };
    const result = assignChannels({ channels, instanceIds: ['a', 'b', 'c'], defaultCanaryRatio: 0.1, kept: { canary: ['c'], beta: ['c', 'b'] } });
    expect(result).toEqual({ ok: true, channels: { canary: ['c'], beta: ['b'] }, stable: ['a'] });
    expect(assignChannels({ channels: ONE, instanceIds: ['a'], defaultCanaryRatio: 0.1, kept: { canary: ['a'] } })).toMatchObject({ ok: false, code: 'channel_covers_service' });
  });

  it('property: every kept live instance stays in its channel while the share allows, whatever instances are added', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `web-${String(i).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.subarray(ids, { minLength: 2 }), fc.subarray(ids), fc.integer({ min: 1, max: 4 }), (live, kept, share) => {
        const result = assignChannels({ channels: { canary: { instances: share } }, instanceIds: live, defaultCanaryRatio: 0.1, kept: { canary: kept } });
        if (!result.ok) {
          expect(share).toBeGreaterThanOrEqual(live.length);
          return;
        }
        const keptLive = kept.filter((id) => live.includes(id)).sort();
        expect(result.channels.canary).toEqual(expect.arrayContaining(keptLive.slice(0, share)));
        expect(result.channels.canary).toHaveLength(share);
        expect([...result.channels.canary!, ...result.stable].sort()).toEqual([...live].sort());
      }),
    );
  });
});
