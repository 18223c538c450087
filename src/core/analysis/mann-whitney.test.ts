/**
 * The Mann-Whitney U test against reference values (SciPy's mannwhitneyu, asymptotic
 * method with continuity correction), and its safety properties: identical samples never
 * look worse, a clearly shifted canary always does at confidence 0.98, and a canary that is
 * better than its baseline never looks worse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mannWhitneyU, median, standardNormalCdf } from './mann-whitney.js';

describe('mannWhitneyU against SciPy', () => {
  it.each([
    { name: 'no overlap, canary less', canary: [1, 2, 3, 4, 5], baseline: [6, 7, 8, 9, 10], alternative: 'less' as const, u: 0, p: 0.006092890177672406 },
    { name: 'ties across samples, two-sided', canary: [1, 1, 2, 2, 3], baseline: [2, 2, 3, 3, 4, 4], alternative: 'either' as const, u: 5, p: 0.07167312914446339 },
    { name: 'error ratios, canary greater', canary: [0.2, 0.21, 0.19, 0.22, 0.18, 0.2, 0.25, 0.2], baseline: [0, 0.01, 0, 0.02, 0, 0.01, 0, 0], alternative: 'greater' as const, u: 64, p: 0.0003748827078891577 },
    { name: 'every value tied', canary: [3, 3, 3], baseline: [3, 3, 3], alternative: 'greater' as const, u: 4.5, p: 1 },
  ])('$name', ({ canary, baseline, alternative, u, p }) => {
    const result = mannWhitneyU(canary, baseline, alternative);
    expect(result.u).toBe(u);
    expect(result.p_value).toBeCloseTo(p, 5);
  });

  it('refuses an empty side: that is the caller’s "too few samples"', () => {
    expect(() => mannWhitneyU([], [1], 'greater')).toThrow(/at least one value/);
  });

  it('Φ is the standard normal distribution', () => {
    expect(standardNormalCdf(0)).toBeCloseTo(0.5, 7);
    expect(standardNormalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(standardNormalCdf(-2.326348)).toBeCloseTo(0.01, 6);
  });

  it('median of odd, even and empty samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

const sample = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 60 });

describe('mannWhitneyU properties', () => {
  it('identical samples are never worse, whatever the direction', () => {
    fc.assert(
      fc.property(sample, fc.constantFrom('greater' as const, 'less' as const, 'either' as const), (values, alternative) => {
        expect(mannWhitneyU(values, [...values], alternative).p_value).toBeGreaterThanOrEqual(0.02);
      }),
    );
  });

  it('a canary shifted above every baseline value is worse at confidence 0.98', () => {
    fc.assert(
      fc.property(sample, sample, fc.double({ min: 0.001, max: 10, noNaN: true }), (canary, baseline, gap) => {
        const top = Math.max(...baseline);
        const shifted = canary.map((v) => top + gap + v);
        expect(mannWhitneyU(shifted, baseline, 'greater').p_value).toBeLessThan(0.02);
        expect(mannWhitneyU(shifted, baseline, 'either').p_value).toBeLessThan(0.02);
      }),
    );
  });

  it('a canary shifted below its baseline is never worse in the greater direction', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0, max: 1, noNaN: true }), (baseline, shift) => {
        const lower = baseline.map((v) => v - shift);
        expect(mannWhitneyU(lower, baseline, 'greater').p_value).toBeGreaterThanOrEqual(0.4);
      }),
    );
  });

  it('p is a probability and U lies between 0 and n1·n2', () => {
    fc.assert(
      fc.property(sample, sample, (canary, baseline) => {
        const { u, p_value } = mannWhitneyU(canary, baseline, 'either');
        expect(p_value).toBeGreaterThanOrEqual(0);
        expect(p_value).toBeLessThanOrEqual(1);
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(canary.length * baseline.length);
      }),
    );
  });
});
