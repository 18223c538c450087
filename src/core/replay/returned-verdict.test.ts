/** The verdict of a replay after a rollback: with a stored baseline, or the returned instances judged alone (and against each other from three). */
import { describe, expect, it } from 'vitest';
import type { ReplayAnswer } from './compare-answers.js';
import { judgeReturnedAnswers, type ReturnedAnswers } from './returned-verdict.js';

const ok = (body: string, status = 200): ReplayAnswer => ({ status, headers: {}, body });
const reset: ReplayAnswer = { status: 0, headers: {}, body: 'error: connect ECONNREFUSED' };
const EP = ['GET /a', 'GET /b'];
const returned = (...lists: ReplayAnswer[][]): ReturnedAnswers[] => lists.map((answers, i) => ({ instance_id: `web-${i + 1}`, answers }));

describe('judgeReturnedAnswers without a baseline', () => {
  it.each([
    ['one instance answering 200s', [[ok('a'), ok('b')]], true],
    ['one instance answering 500', [[ok('a'), ok('b', 500)]], false],
    ['two both answering 500', [[ok('a', 500), ok('b')], [ok('a', 500), ok('b')]], false],
    ['two disagreeing below 500', [[ok('a'), ok('b')], [ok('x'), ok('y', 404)]], true],
    ['two, one with no answer', [[ok('a'), ok('b')], [ok('a'), reset]], false],
    ['three, one unlike the pair', [[ok('a'), ok('b')], [ok('a'), ok('b')], [ok('a'), ok('b', 404)]], false],
    ['three alike', [[ok('a'), ok('b')], [ok('a'), ok('b')], [ok('a'), ok('b')]], true],
  ] as const)('%s: passed %#', (_name, lists, passed) => {
    const verdict = judgeReturnedAnswers(returned(...(lists as unknown as ReplayAnswer[][])), null, {}, EP);
    expect(verdict.passed).toBe(passed);
  });

  it('says noise_filtering false below three instances and names the failing instance', () => {
    const verdict = judgeReturnedAnswers(returned([ok('a'), ok('b')], [ok('a'), ok('b', 503)]), null, {}, EP);
    expect(verdict).toMatchObject({ passed: false, noise_filtering: false, differing_requests: 1 });
    expect(verdict.differences).toEqual([{ request: 1, field: 'status', expected: '< 500', actual: 503, instance_id: 'web-2' }]);
    expect(judgeReturnedAnswers(returned([ok('a'), ok('b')], [ok('a'), ok('b')], [ok('a'), ok('b')]), null, {}, EP).noise_filtering).toBe(true);
  });
});

describe('judgeReturnedAnswers with a stored baseline', () => {
  it('compares every instance with the baseline, its noise filtered', () => {
    const baseline = { answers: [ok('{"n":1,"t":"x"}'), ok('{"n":2}')], noise_fields: ['GET /a body:/t'] };
    const verdict = judgeReturnedAnswers(returned([ok('{"n":1,"t":"y"}'), ok('{"n":2}')], [ok('{"n":1,"t":"z"}'), ok('{"n":3}')]), baseline, {}, EP);
    expect(verdict.passed).toBe(false);
    expect(verdict.differences).toEqual([{ request: 1, field: 'body:/n', expected: 2, actual: 3, instance_id: 'web-2' }]);
  });

  it('judges the requests past a cut-short baseline alone', () => {
    const baseline = { answers: [ok('a')], noise_fields: [] };
    expect(judgeReturnedAnswers(returned([ok('a'), ok('anything')]), baseline, {}, EP).passed).toBe(true);
    const verdict = judgeReturnedAnswers(returned([ok('a'), ok('b', 500)]), baseline, {}, EP);
    expect(verdict.differences).toEqual([{ request: 1, field: 'status', expected: '< 500', actual: 500, instance_id: 'web-1' }]);
  });
});
