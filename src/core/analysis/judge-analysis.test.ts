/**
 * The judge as named scenarios over measurements taken with a fake clock, and a property:
 * a judgement is never successful while any counted measurement failed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisMeasurement, MeasurementVerdict } from './analysis-measurement.js';
import type { AnalysisSpec } from './analysis-spec.js';
import { analysisSettingsOf, judgeAnalysis } from './judge-analysis.js';

const T0 = Date.UTC(2026, 11, 1, 12);
const spec = (over: Partial<AnalysisSpec> = {}): AnalysisSpec => ({
  provider: 'prometheus',
  address: 'http://prom.test',
  queries: [
    { name: 'error-rate', query: 'q1', success: '< 0.01' },
    { name: 'latency', query: 'q2', success: '< 0.3' },
  ],
  ...over,
});

let nextId = 1;
/** One measurement per verdict letter (s, f, i), 30 s apart, of `query` in `phase`. */
function taken(query: string, letters: string, phase = 'step-1'): AnalysisMeasurement[] {
  const verdicts: Record<string, MeasurementVerdict> = { s: 'successful', f: 'failed', i: 'inconclusive' };
  return [...letters].map((letter, k) => ({
    id: nextId++,
    operation_id: 'dep-1',
    phase,
    query,
    verdict: verdicts[letter]!,
    values: { values: [letter === 'f' ? 0.2 : 0.001] },
    reason: `query ${query} measured ${letter} #${k + 1}`,
    measured_at: T0 + k * 30_000,
  }));
}

describe('judgeAnalysis', () => {
  it('no measurements yet: running', () => {
    expect(judgeAnalysis(spec(), [], 'step-1')).toEqual({ phase: 'step-1', state: 'running', reason: null, dry_run: false });
  });

  it('count (default 3) successful measurements of every query: successful', () => {
    expect(judgeAnalysis(spec(), [...taken('error-rate', 'sss'), ...taken('latency', 'ss')], 'step-1').state).toBe('running');
    expect(judgeAnalysis(spec(), [...taken('error-rate', 'sss'), ...taken('latency', 'sss')], 'step-1').state).toBe('successful');
  });

  it('one failure with the default failure_limit 0: failed with analysis_failed naming the query and its values', () => {
    const judgement = judgeAnalysis(spec(), [...taken('error-rate', 'sf'), ...taken('latency', 'ss')], 'step-1');
    expect(judgement).toEqual({ phase: 'step-1', state: 'failed', dry_run: false, reason: { code: 'analysis_failed', message: 'analysis query error-rate failed once (failure_limit 0); last: query error-rate measured f #2' } });
  });

  it('failure_limit 1 tolerates one failure, not two', () => {
    expect(judgeAnalysis(spec({ failure_limit: 1 }), [...taken('error-rate', 'sfss'), ...taken('latency', 'sss')], 'step-1').state).toBe('successful');
    expect(judgeAnalysis(spec({ failure_limit: 1 }), [...taken('error-rate', 'fsf')], 'step-1').reason?.message).toMatch(/^analysis query error-rate failed 2 times \(failure_limit 1\)/);
  });

  it('consecutive_failures alone counts only runs: scattered failures pass, a run fails', () => {
    const only = spec({ consecutive_failures: 2, count: 2 });
    expect(judgeAnalysis(only, [...taken('error-rate', 'fsfs'), ...taken('latency', 'ss')], 'step-1').state).toBe('successful');
    expect(judgeAnalysis(only, [...taken('error-rate', 'sff')], 'step-1').reason?.message).toContain('(consecutive_failures 2)');
    expect(analysisSettingsOf(only).failure_limit).toBe(Number.POSITIVE_INFINITY);
  });

  it('one inconclusive with the default inconclusive_limit 0: inconclusive (a person decides)', () => {
    const judgement = judgeAnalysis(spec(), [...taken('error-rate', 'si')], 'step-1');
    expect(judgement.state).toBe('inconclusive');
    expect(judgement.reason).toEqual({ code: 'analysis_inconclusive', message: expect.stringMatching(/^analysis query error-rate was inconclusive once \(inconclusive_limit 0\); last: .*Promote to go on or abort to roll back$/) });
    expect(judgeAnalysis(spec({ inconclusive_limit: 1 }), [...taken('error-rate', 'siss'), ...taken('latency', 'sss')], 'step-1').state).toBe('successful');
  });

  it('tolerated inconclusive measurements never count towards count: no number, no success', () => {
    expect(judgeAnalysis(spec({ inconclusive_limit: 10 }), [...taken('error-rate', 'iii'), ...taken('latency', 'sss')], 'step-1').state).toBe('running');
    expect(judgeAnalysis(spec({ inconclusive_limit: 10 }), [...taken('error-rate', 'isis'), ...taken('latency', 'sss')], 'step-1').state).toBe('running');
    expect(judgeAnalysis(spec({ inconclusive_limit: 10 }), [...taken('error-rate', 'isiss'), ...taken('latency', 'sss')], 'step-1').state).toBe('successful');
  });

  it('a failure wins over an inconclusive elsewhere', () => {
    expect(judgeAnalysis(spec(), [...taken('error-rate', 'i'), ...taken('latency', 'f')], 'step-1').state).toBe('failed');
  });

  it('only the asked phase counts: a failed step-1 does not fail step-2', () => {
    const rows = [...taken('error-rate', 'f', 'step-1'), ...taken('error-rate', 'sss', 'step-2'), ...taken('latency', 'sss', 'step-2')];
    expect(judgeAnalysis(spec(), rows, 'step-2')).toMatchObject({ phase: 'step-2', state: 'successful' });
  });

  it('a starting reading (HAProxy counters) judges nothing', () => {
    const start = { ...taken('error-rate', 'i')[0]!, values: { starting_reading: true } };
    expect(judgeAnalysis(spec({ queries: [spec().queries[0]!], count: 1 }), [start, ...taken('error-rate', 's')], 'step-1').state).toBe('successful');
  });

  it('dry_run judges the same and says so: the planner records and does not act', () => {
    expect(judgeAnalysis(spec({ dry_run: true }), taken('error-rate', 'f'), 'step-1')).toMatchObject({ state: 'failed', dry_run: true });
  });

  it('is never successful while a measurement failed (failure_limit 0), nor with fewer than count successful ones', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('s', 'f', 'i'), { maxLength: 10 }), fc.array(fc.constantFrom('s', 'f', 'i'), { maxLength: 10 }), (a, b) => {
        const rows = [...taken('error-rate', a.join('')), ...taken('latency', b.join(''))];
        const { state } = judgeAnalysis(spec({ inconclusive_limit: 100 }), rows, 'step-1');
        if ([...a, ...b].includes('f')) expect(state).toBe('failed');
        else if (state === 'successful') expect(a.filter((v) => v === 's').length >= 3 && b.filter((v) => v === 's').length >= 3).toBe(true);
      }),
    );
  });
});
