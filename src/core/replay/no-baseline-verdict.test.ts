import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReplayAnswer } from './compare-answers.js';
import { judgeWithoutBaseline, noBaselineSummary } from './no-baseline-verdict.js';

const answer = (status: number, body = '{}'): ReplayAnswer => ({ status, headers: {}, body });
const noAnswer = (error: string): ReplayAnswer => ({ status: 0, headers: {}, body: `error: ${error}` });

describe('judgeWithoutBaseline', () => {
  it.each([
    { name: 'every request answered 2xx passes', answers: [answer(200), answer(201), answer(204)], passed: true, fields: [] },
    { name: 'a 4xx is an answer, not a failure', answers: [answer(200), answer(404), answer(422)], passed: true, fields: [] },
    { name: 'a 3xx is an answer', answers: [answer(302)], passed: true, fields: [] },
    { name: 'a 500 fails on status', answers: [answer(200), answer(500)], passed: false, fields: ['status'] },
    { name: 'a 503 fails on status', answers: [answer(503)], passed: false, fields: ['status'] },
    { name: 'no answer fails on transport', answers: [noAnswer('no answer within 5000 ms')], passed: false, fields: ['transport'] },
    { name: 'no requests pass (nothing failed)', answers: [], passed: true, fields: [] },
  ])('$name', ({ answers, passed, fields }) => {
    const verdict = judgeWithoutBaseline(answers);
    expect(verdict.passed).toBe(passed);
    expect(verdict.differences.map((d) => d.field)).toEqual(fields);
    expect(verdict).toMatchObject({ requests: answers.length, noise_filtered: 0, noise_fields: [], noise_filtering: false });
  });

  it('names the request, expects "< 500" and shows what came', () => {
    const verdict = judgeWithoutBaseline([answer(200), answer(503, 'down'), noAnswer('connect ECONNREFUSED')]);
    expect(verdict.differences).toEqual([
      { request: 1, field: 'status', expected: '< 500', actual: 503 },
      { request: 2, field: 'transport', expected: '< 500', actual: 'error: connect ECONNREFUSED' },
    ]);
    expect([verdict.differing_requests, verdict.difference_count]).toEqual([2, 2]);
  });

  it('keeps at most maxDifferencesKept differences but counts them all', () => {
    const verdict = judgeWithoutBaseline(Array.from({ length: 5 }, () => answer(500)), { maxDifferencesKept: 2 });
    expect([verdict.differences.length, verdict.difference_count, verdict.passed]).toEqual([2, 5, false]);
  });

  it('passes exactly when no request got a status of 500 or more or no answer', () => {
    const status = fc.constantFrom(0, 200, 201, 301, 400, 404, 499, 500, 502, 599);
    fc.assert(
      fc.property(fc.array(status, { maxLength: 20 }), (statuses) => {
        const verdict = judgeWithoutBaseline(statuses.map((s) => answer(s)));
        const failing = statuses.filter((s) => s === 0 || s >= 500).length;
        expect(verdict.passed).toBe(failing === 0);
        expect(verdict.difference_count).toBe(failing);
        expect(verdict.differences.every((d) => d.expected === '< 500')).toBe(true);
      }),
    );
  });
});

describe('noBaselineSummary', () => {
  it.each([
    [3, 0, '3 requests answered without a server error (no desired version to compare with)'],
    [1, 0, '1 request answered without a server error (no desired version to compare with)'],
    [3, 1, '1 of 3 requests got a server error or no answer (no desired version to compare with)'],
  ])('%i requests, %i failing → %s', (requests, failing, line) => {
    expect(noBaselineSummary(requests, failing)).toBe(line);
  });
});
