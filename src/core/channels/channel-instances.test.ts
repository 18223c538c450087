import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignChannels, shareCount, type ChannelShare } from './channel-instances.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `web-${String(i).padStart(2, '0')}`);

describe('shareCount', () => {
  it.each<[string, ChannelShare, number, number]>([
    ['10 instances, percent 10 → 1', { percent: 10 }, 10, 1],
    ['10 instances, percent 15 → 2 (ceil 1.5)', { percent: 15 }, 10, 2],
    ['4 instances, percent 1 → 1 (at least one)', { percent: 1 }, 4, 1],
    ['4 instances, instances 1 → 1', { instances: 1 }, 4, 1],
    ['3 instances, instances 5 → 3 (capped)', { instances: 5 }, 3, 3],
    ['30 instances, ratio 0.1 → 3 (not 4 from 3.0000000000000004)', { ratio: 0.1 }, 30, 3],
    ['4 instances, ratio 0.1 → 1 (ceil 0.4)', { ratio: 0.1 }, 4, 1],
    ['100 instances, percent 7 → 7', { percent: 7 }, 100, 7],
    ['no instances → 0', { percent: 50 }, 0, 0],
  ])('%s', (_name, share, total, expected) => {
    expect(shareCount(share, total)).toBe(expected);
  });
});

describe('assignChannels', () => {
  it('gives canary the first instances by id and stable the rest', () => {
    const result = assignChannels({ channels: { canary: { instances: 1 } }, instanceIds: ['web-c', 'web-a', 'web-b', 'web-d'], defaultCanaryRatio: 0.1 });
    expect(result).toEqual({ ok: true, channels: { canary: ['web-a'] }, stable: ['web-b', 'web-c', 'web-d'] });
  });

  it('gives an undeclared canary RELEASE_CANARY_RATIO of the instances', () => {
    const result = assignChannels({ channels: {}, instanceIds: ids(20), defaultCanaryRatio: 0.1 });
    expect(result.ok && result.channels.canary).toEqual(['web-00', 'web-01']);
  });

  it('takes other declared channels after canary, by name, from what is left', () => {
    const result = assignChannels({ channels: { zeta: { instances: 1 }, beta: { percent: 20 }, canary: { instances: 1 } }, instanceIds: ids(10), defaultCanaryRatio: 0.1 });
    expect(result).toEqual({ ok: true, channels: { canary: ['web-00'], beta: ['web-01', 'web-02'], zeta: ['web-03'] }, stable: ids(10).slice(4) });
  });

  it.each([
    ['one instance', {}, 1],
    ['a canary of every instance', { canary: { instances: 4 } }, 4],
    ['a canary of 100 percent', { canary: { percent: 100 } }, 3],
    ['shares adding up to all', { canary: { instances: 2 }, beta: { instances: 2 } }, 4],
    ['no instances at all', {}, 0],
  ])('refuses %s: channel_covers_service', (_name, channels, count) => {
    const result = assignChannels({ channels, instanceIds: ids(count), defaultCanaryRatio: 0.1 });
    expect(result).toMatchObject({ ok: false, kind: 'unprocessable', code: 'channel_covers_service' });
  });

  it('property: channels are disjoint, leave stable at least one instance, and do not depend on input order', () => {
    const spec = fc.oneof(fc.record({ instances: fc.integer({ min: 1, max: 12 }) }), fc.record({ percent: fc.double({ min: 0.5, max: 100, noNaN: true }) }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.dictionary(fc.constantFrom('canary', 'beta', 'edge'), spec), fc.double({ min: 0.01, max: 1, noNaN: true }), (n, channels, ratio) => {
        const instanceIds = ids(n);
        const result = assignChannels({ channels, instanceIds, defaultCanaryRatio: ratio });
        const reversed = assignChannels({ channels, instanceIds: [...instanceIds].reverse(), defaultCanaryRatio: ratio });
        expect(reversed).toEqual(result);
        if (!result.ok) return;
        const taken = Object.values(result.channels).flat();
        expect(new Set(taken).size).toBe(taken.length);
        expect(result.stable.length).toBeGreaterThanOrEqual(1);
        expect([...taken, ...result.stable].sort()).toEqual(instanceIds);
      }),
    );
  });
});
