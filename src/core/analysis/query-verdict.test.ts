/** One measurement's verdict, threshold and compare, as tables; never successful without numbers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisQuery } from './analysis-spec.js';
import { compareVerdict, thresholdVerdict } from './query-verdict.js';

const errorRate = (over: Partial<AnalysisQuery> = {}): AnalysisQuery => ({ name: 'error-rate', query: 'q', success: '< 0.01', ...over });

describe('thresholdVerdict', () => {
  it.each([
    { name: 'a value meeting success', query: errorRate(), values: [0.002], verdict: 'successful' },
    { name: 'every series must meet success', query: errorRate(), values: [0.002, 0.2], verdict: 'failed' },
    { name: 'success not met and no failure given', query: errorRate(), values: [0.2], verdict: 'failed' },
    { name: 'between success and failure', query: errorRate({ failure: '> 0.05' }), values: [0.02], verdict: 'inconclusive' },
    { name: 'failure met', query: errorRate({ failure: '> 0.05' }), values: [0.2], verdict: 'failed' },
    { name: 'no value at all', query: errorRate(), values: [], verdict: 'inconclusive' },
    { name: 'NaN (a rate over no requests)', query: errorRate(), values: [Number.NaN], verdict: 'inconclusive' },
    { name: 'NaN beside a good value', query: errorRate(), values: [0, Number.NaN], verdict: 'inconclusive' },
    { name: 'a success rate', query: errorRate({ name: 'success-rate', success: '>= 0.995' }), values: [0.999], verdict: 'successful' },
  ])('$name → $verdict', ({ query, values, verdict }) => {
    expect(thresholdVerdict(query, values).verdict).toBe(verdict);
  });

  it('names the query and the value that decided in its reason, and keeps the values', () => {
    const result = thresholdVerdict(errorRate({ failure: '> 0.05' }), [0.004, 0.2034567]);
    expect(result).toEqual({ verdict: 'failed', values: { values: [0.004, 0.2034567], count: 2 }, reason: 'query error-rate returned 0.2035, which meets failure "> 0.05"' });
    expect(thresholdVerdict(errorRate(), []).reason).toBe('query error-rate returned no value');
    expect(thresholdVerdict(errorRate(), [Number.NaN]).values).toEqual({ values: [null], count: 1 });
  });

  it('is never successful unless every value is a finite number meeting success', () => {
    const value = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), (values) => {
        const { verdict } = thresholdVerdict(errorRate(), values);
        if (verdict === 'successful') expect(values.length > 0 && values.every((v) => Number.isFinite(v) && v < 0.01)).toBe(true);
      }),
    );
  });
});

const twenty = (value: number) => Array.from({ length: 20 }, (_, i) => value + (i % 5) * 0.001);

describe('compareVerdict', () => {
  it('a canary with 20% errors against a clean baseline fails, naming both medians and p', () => {
    const result = compareVerdict(errorRate({ kind: 'compare', success: '< 0.05' }), twenty(0.2), twenty(0));
    expect(result.verdict).toBe('failed');
    expect(result.reason).toMatch(/^query error-rate: canary median 0\.202 vs baseline median 0\.002, worse with p [0-9.e-]+ \(confidence 0\.98\) and not meeting success "< 0\.05"$/);
    expect(result.values).toMatchObject({ canary: { samples: 20, median: 0.202 }, baseline: { samples: 20, median: 0.002 }, confidence: 0.98, worse_if: 'greater' });
  });

  it('a canary like its baseline is successful', () => {
    expect(compareVerdict(errorRate({ kind: 'compare', success: '< 0.05' }), twenty(0.01), twenty(0.01)).verdict).toBe('successful');
  });

  it('a worse canary that still meets success is successful: the difference is real but harmless', () => {
    const result = compareVerdict(errorRate({ kind: 'compare', success: '< 0.5' }), twenty(0.2), twenty(0));
    expect(result).toMatchObject({ verdict: 'successful', reason: expect.stringContaining('but still meeting success "< 0.5"') });
  });

  it('a better canary is never failed, even below success', () => {
    expect(compareVerdict(errorRate({ kind: 'compare', success: '>= 0.995', name: 'success-rate' }), twenty(0.99), twenty(0.5)).verdict).toBe('successful');
  });

  it('too few samples on either side is inconclusive, NaN samples not counted', () => {
    const withNaN = [...twenty(0.2).slice(0, 19), Number.NaN];
    const result = compareVerdict(errorRate({ kind: 'compare' }), withNaN, twenty(0));
    expect(result).toMatchObject({ verdict: 'inconclusive', reason: 'query error-rate: too few samples (canary 19, baseline 20; min_samples 20)' });
    expect(compareVerdict(errorRate({ kind: 'compare' }), twenty(0), [], 1).verdict).toBe('inconclusive');
    expect(compareVerdict(errorRate({ kind: 'compare' }), twenty(0.2).slice(0, 5), twenty(0).slice(0, 5), 5).verdict).toBe('failed');
  });

  it('identical samples never fail, at any confidence', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 40 }), fc.double({ min: 0.51, max: 0.999, noNaN: true }), (values, confidence) => {
        expect(compareVerdict(errorRate({ kind: 'compare', confidence }), values, [...values]).verdict).toBe('successful');
      }),
    );
  });
});
