import { describe, expect, it } from 'vitest';
import { compareAnswers, type ReplayAnswer } from './compare-answers.js';

function json(body: unknown, status = 200, headers: Record<string, string> = {}): ReplayAnswer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
function text(body: string, status = 200): ReplayAnswer {
  return { status, headers: {}, body };
}

describe('compareAnswers, one request', () => {
  it.each([
    { name: 'identical JSON', a: json({ n: 1 }), b: json({ n: 1 }), c: json({ n: 1 }), fields: [], noise: [] },
    { name: 'a changed leaf', a: json({ n: 1 }), b: json({ n: 1 }), c: json({ n: 2 }), fields: ['body:/n'], noise: [] },
    { name: 'a timestamp that differs between stable answers is noise', a: json({ n: 1, t: 'x' }), b: json({ n: 1, t: 'y' }), c: json({ n: 1, t: 'z' }), fields: [], noise: ['body:/t'] },
    { name: 'a missing field', a: json({ n: 1, k: 2 }), b: json({ n: 1, k: 2 }), c: json({ n: 1 }), fields: ['body:/k'], noise: [] },
    { name: 'an extra field', a: json({ n: 1 }), b: json({ n: 1 }), c: json({ n: 1, extra: true }), fields: ['body:/extra'], noise: [] },
    { name: 'an array element', a: json({ items: ['a', 'b'] }), b: json({ items: ['a', 'b'] }), c: json({ items: ['a', 'b-x'] }), fields: ['body:/items/1'], noise: [] },
    { name: 'a status', a: json({}, 200), b: json({}, 200), c: json({}, 500), fields: ['status'], noise: [] },
    { name: 'text bodies', a: text('hello'), b: text('hello'), c: text('bye'), fields: ['body'], noise: [] },
    { name: 'JSON against text', a: json({ n: 1 }), b: json({ n: 1 }), c: text('oops'), fields: ['body'], noise: [] },
    { name: 'no answer from the candidate', a: json({ n: 1 }), b: json({ n: 1 }), c: text('error: timeout', 0), fields: ['status', 'body'], noise: [] },
  ])('$name', ({ a, b, c, fields, noise }) => {
    const verdict = compareAnswers([c], [[a], [b]]);
    expect(verdict.differences.map((d) => d.field)).toEqual(fields);
    expect(verdict.noise_fields).toEqual(noise);
    expect(verdict.passed).toBe(fields.length === 0);
  });

  it('names expected and actual, and leaves out a side that has no such field', () => {
    const verdict = compareAnswers([json({ n: 2, extra: 1 })], [[json({ n: 1 })], [json({ n: 1 })]]);
    expect(verdict.differences).toEqual([
      { request: 0, field: 'body:/extra', actual: 1 },
      { request: 0, field: 'body:/n', expected: 1, actual: 2 },
    ]);
  });

  it('skips ignored pointers and everything under them', () => {
    const verdict = compareAnswers([json({ meta: { at: 2, id: 9 }, n: 1 })], [[json({ meta: { at: 1, id: 8 }, n: 1 })]], { ignore: ['/meta'] });
    expect(verdict.differences).toEqual([]);
  });

  it('compares a named header only when asked, case-insensitively', () => {
    const a = json({}, 200, { 'x-version': '1' });
    const c = json({}, 200, { 'x-version': '2' });
    expect(compareAnswers([c], [[a], [a]]).differences).toEqual([]);
    expect(compareAnswers([c], [[a], [a]], { compare: ['headers:X-Version'] }).differences).toEqual([{ request: 0, field: 'headers:x-version', expected: '1', actual: '2' }]);
  });

  it('with one stable answer nothing is noise, and says so', () => {
    const verdict = compareAnswers([json({ t: 'z' })], [[json({ t: 'x' })]]);
    expect(verdict.noise_filtering).toBe(false);
    expect(verdict.differences.map((d) => d.field)).toEqual(['body:/t']);
  });
});

describe('compareAnswers, a whole replay', () => {
  const same = json({ n: 1 });
  const other = json({ n: 2 });

  it.each([
    { differing: 0, ratio: 0, passed: true },
    { differing: 1, ratio: 0, passed: false },
    { differing: 1, ratio: 0.1, passed: true },
    { differing: 2, ratio: 0.1, passed: false },
  ])('$differing of 10 requests differing with max_diff_ratio $ratio -> passed $passed', ({ differing, ratio, passed }) => {
    const candidate = Array.from({ length: 10 }, (_, i) => (i < differing ? other : same));
    const stable = Array.from({ length: 10 }, () => same);
    const verdict = compareAnswers(candidate, [stable, stable], { max_diff_ratio: ratio });
    expect(verdict).toMatchObject({ passed, requests: 10, differing_requests: differing });
  });

  it('a field noisy in one request of an endpoint is noise in all its requests, and only that endpoint', () => {
    const stableA = [json({ t: 'same' }), json({ t: 'a' }), json({ t: 'k' })];
    const stableB = [json({ t: 'same' }), json({ t: 'b' }), json({ t: 'k' })];
    const candidate = [json({ t: 'other' }), json({ t: 'c' }), json({ t: 'changed' })];
    const endpoints = ['GET /items', 'GET /items', 'GET /other'];
    const verdict = compareAnswers(candidate, [stableA, stableB], {}, endpoints);
    expect(verdict.noise_fields).toEqual(['GET /items body:/t']);
    expect(verdict.differences).toEqual([{ request: 2, field: 'body:/t', expected: 'k', actual: 'changed' }]);
  });

  it('counts noise fields once however many requests show them, and keeps a bounded list of differences', () => {
    const stableA = Array.from({ length: 5 }, (_, i) => json({ n: 1, t: `a${i}` }));
    const stableB = Array.from({ length: 5 }, (_, i) => json({ n: 1, t: `b${i}` }));
    const candidate = Array.from({ length: 5 }, () => json({ n: 2, t: 'c' }));
    const verdict = compareAnswers(candidate, [stableA, stableB], { maxDifferencesKept: 2 });
    expect(verdict.noise_filtered).toBe(1);
    expect(verdict.difference_count).toBe(5);
    expect(verdict.differences).toHaveLength(2);
  });
});
