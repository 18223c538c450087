/** The haproxy provider's figures: ratios over the responses since the previous reading. */
import { describe, expect, it } from 'vitest';
import type { AnalysisQuery } from './analysis-spec.js';
import { errorRatioSince, haproxyVerdict } from './haproxy-figures.js';

const errors: AnalysisQuery = { name: 'errors', query: 'error_ratio', success: '< 0.05' };
const latency: AnalysisQuery = { name: 'latency', query: 'response_time_ms', success: '< 300' };
const at = (responses: number, hrsp_5xx: number, rtime = 20) => ({ responses, hrsp_5xx, rtime });

describe('errorRatioSince', () => {
  it.each([
    ['20 errors in 100 responses since', at(100, 2), at(200, 22), 0.2],
    ['no errors', at(100, 2), at(150, 2), 0],
    ['no response since', at(100, 2), at(100, 2), Number.NaN],
    ['counters went down (HAProxy restarted)', at(100, 2), at(10, 0), Number.NaN],
  ])('%s', (_name, previous, current, ratio) => {
    expect(errorRatioSince(previous, current)).toEqual(ratio);
  });
});

describe('haproxyVerdict', () => {
  it('the first reading only starts the count, the next one judges the delta', () => {
    const first = haproxyVerdict(errors, ['web-1'], { 'web-1': at(100, 2) }, null);
    expect(first).toMatchObject({ verdict: 'inconclusive', values: { starting_reading: true, counters: { 'web-1': at(100, 2) } } });
    const second = haproxyVerdict(errors, ['web-1'], { 'web-1': at(200, 22) }, { 'web-1': at(100, 2) });
    expect(second).toMatchObject({ verdict: 'failed', values: { values: [0.2], counters: { 'web-1': at(200, 22) } } });
    expect(second.reason).toBe('query errors returned 0.2, which does not meet success "< 0.05"');
  });

  it('a server missing from the backend is inconclusive, naming it', () => {
    expect(haproxyVerdict(errors, ['web-1', 'web-2'], { 'web-1': at(1, 0) }, null).reason).toBe('query errors: HAProxy shows no server web-2 in the backend');
  });

  it('response time counts only for a server that answered since the previous reading', () => {
    expect(haproxyVerdict(latency, ['web-1'], { 'web-1': at(5, 0, 450) }, { 'web-1': at(1, 0, 0) })).toMatchObject({ verdict: 'failed', values: { values: [450] } });
    // No request since (a canary at weight 0, or down): rtime reads 0 or an old average, never a success.
    expect(haproxyVerdict(latency, ['web-1'], { 'web-1': at(5, 0, 0) }, { 'web-1': at(5, 0, 0) }).verdict).toBe('inconclusive');
    expect(haproxyVerdict(latency, ['web-1'], { 'web-1': at(5, 0, 450) }, null).verdict).toBe('inconclusive');
  });
});
