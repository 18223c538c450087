/** Safety properties of the replay verdict, over arbitrary JSON answers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAnswers, type ReplayAnswer } from './compare-answers.js';

const answer = fc.record({
  status: fc.constantFrom(200, 201, 404, 500),
  headers: fc.constant({ 'content-type': 'application/json' }),
  body: fc.jsonValue().map((v) => JSON.stringify(v)),
});
const textAnswer = fc.record({ status: fc.constant(200), headers: fc.constant({}), body: fc.string() });
const anyAnswer: fc.Arbitrary<ReplayAnswer> = fc.oneof(answer, textAnswer);

describe('compareAnswers properties', () => {
  it('a candidate identical to a stable answer never differs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyAnswer, anyAnswer), { minLength: 1, maxLength: 8 }), fc.boolean(), (pairs, copyFirst) => {
        const stableA = pairs.map(([a]) => a);
        const stableB = pairs.map(([, b]) => b);
        const candidate = copyFirst ? stableA : stableB;
        const verdict = compareAnswers(candidate, [stableA, stableB]);
        expect(verdict.differences).toEqual([]);
        expect(verdict.passed).toBe(true);
      }),
    );
  });

  it('a field that differs between the stable answers never produces a difference', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyAnswer, anyAnswer, anyAnswer), { minLength: 1, maxLength: 8 }), (triples) => {
        const verdict = compareAnswers(
          triples.map(([, , c]) => c),
          [triples.map(([a]) => a), triples.map(([, b]) => b)],
        );
        for (const field of verdict.noise_fields) expect(verdict.differences.some((d) => d.field === field && isNoisyIn(d.request, triples, field))).toBe(false);
      }),
    );
  });
});

/** Whether the two stable answers of request `i` disagree on `field` (re-derived independently). */
function isNoisyIn(i: number, triples: Array<[ReplayAnswer, ReplayAnswer, ReplayAnswer]>, field: string): boolean {
  const [a, b] = triples[i]!;
  if (field === 'status') return a.status !== b.status;
  if (field === 'body') return a.body !== b.body;
  const pointer = field.slice('body:'.length);
  return JSON.stringify(at(JSON.parse(a.body), pointer)) !== JSON.stringify(at(JSON.parse(b.body), pointer));
}

function at(value: unknown, pointer: string): unknown {
  let current: any = value;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !(key in current)) return undefined;
    current = current[key];
  }
  return current;
}
