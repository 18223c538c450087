import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canaryWeights, fillingShare, MAX_WEIGHT } from './canary-weights.js';

const shareOf = (newCount: number, oldCount: number, w: { canary: number; stable: number }) => (100 * newCount * w.canary) / (newCount * w.canary + oldCount * w.stable);

describe('canary weights', () => {
  it.each([
    [1, 7, 10, { canary: 199, stable: 256 }],
    [4, 4, 50, { canary: 256, stable: 256 }],
    [1, 1, 100, { canary: 256, stable: 0 }],
    [2, 6, 25, { canary: 256, stable: 256 }],
  ])('%i new, %i old at %i %% → %j', (n, o, share, weights) => {
    expect(canaryWeights(n, o, share)).toEqual(weights);
  });

  it('gives the new instances their share within one weight unit per instance, on HAProxy’s scale', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 99 }), (n, o, share) => {
        const w = canaryWeights(n, o, share);
        expect(w.canary).toBeGreaterThanOrEqual(1);
        expect(w.stable).toBeGreaterThanOrEqual(1);
        expect(Math.max(w.canary, w.stable)).toBeLessThanOrEqual(MAX_WEIGHT);
        const total = n * w.canary + o * w.stable;
        expect(Math.abs(shareOf(n, o, w) - share)).toBeLessThanOrEqual((100 * Math.max(n, o)) / total);
      }),
    );
  });

  it('fills a step’s share as its instances come back into traffic', () => {
    expect(fillingShare(50, 1, 4)).toBe(12.5);
    expect(fillingShare(50, 4, 4)).toBe(50);
    expect(fillingShare(10, 1, 1)).toBe(10);
  });
});
