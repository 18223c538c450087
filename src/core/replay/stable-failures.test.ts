/**
 * A stable answer that is a transport failure (status 0) teaches no noise and never hides
 * the candidate's failures; too many of them fail the run as `stable_unreliable`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAnswers, nameDifferences, STABLE_UNRELIABLE_RATIO, type ReplayAnswer } from './compare-answers.js';

const ok = (body: string, status = 200): ReplayAnswer => ({ status, headers: {}, body });
const reset: ReplayAnswer = { status: 0, headers: {}, body: 'error: socket hang up' };
const endpoints = (n: number) => Array.from({ length: n }, () => 'GET /items');

describe('stable transport failures', () => {
  it('one reset on stable B does not make status and body noise for the endpoint', () => {
    // 20 requests to one endpoint; B resets on the first; the candidate answers 500 on the last.
    const a = Array.from({ length: 20 }, (_v, i) => ok(`item ${i}`));
    const b = a.map((x, i) => (i === 0 ? reset : x));
    const candidate = a.map((x, i) => (i === 19 ? ok('boom', 500) : x));
    const verdict = compareAnswers(candidate, [a, b], {}, endpoints(20));
    expect(verdict.noise_fields).toEqual([]);
    expect(verdict.differences.map((d) => [d.request, d.field])).toEqual([
      [19, 'status'],
      [19, 'body'],
    ]);
    expect(verdict).toMatchObject({ passed: false, stable_failures: 1, stable_unreliable: false });
  });

  it('compares with stable B where stable A got no answer, and skips a request neither answered', () => {
    const verdict = compareAnswers([ok('x'), ok('y')], [[reset, reset], [ok('x'), reset]], {}, endpoints(2));
    expect(verdict).toMatchObject({ differences: [], difference_count: 0, stable_failures: 2 });
  });

  it.each([
    [10, 1, false],
    [10, 2, true],
    [1, 1, true],
  ])('of %i requests, %i with a failed stable answer: unreliable %s', (n, failed, unreliable) => {
    const a = Array.from({ length: n }, (_v, i) => ok(`${i}`));
    const b = a.map((x, i) => (i < failed ? reset : x));
    const verdict = compareAnswers(a, [a, b], {}, endpoints(n));
    expect(verdict.stable_unreliable).toBe(unreliable);
    expect(verdict.passed).toBe(!unreliable);
    expect(failed / n > STABLE_UNRELIABLE_RATIO).toBe(unreliable);
  });

  it('property: noise is never learnt from a request with a failed stable answer', () => {
    const answer = fc.record({ status: fc.constantFrom(200, 404), headers: fc.constant({}), body: fc.string({ maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(answer, answer, fc.boolean()), { minLength: 1, maxLength: 10 }), (rows) => {
        const a = rows.map(([x]) => x);
        const b = rows.map(([x, y, fails]) => (fails ? reset : y));
        const clean = rows.filter(([, , fails]) => !fails);
        const learnt = compareAnswers(a, [a, b], {}, endpoints(rows.length)).noise_fields;
        const fromClean = compareAnswers(clean.map(([x]) => x), [clean.map(([x]) => x), clean.map(([, y]) => y)], {}, endpoints(clean.length)).noise_fields;
        expect(learnt).toEqual(fromClean);
      }),
    );
  });

  it('names each difference by its request method and path', () => {
    const named = nameDifferences([{ request: 1, field: 'status', expected: 200, actual: 500 }], [
      { method: 'GET', path: '/a' },
      { method: 'POST', path: '/b?x=1' },
    ]);
    expect(named).toEqual([{ request: 1, method: 'POST', path: '/b?x=1', field: 'status', expected: 200, actual: 500 }]);
  });
});
