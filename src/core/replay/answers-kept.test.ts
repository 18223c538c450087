/** The stored baseline answers are a prefix bounded in bytes and count; the dropped ones are counted. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerBytes, keepAnswers } from './answers-kept.js';

const sized = (n: number) => ({ status: 200, headers: {}, body: 'x'.repeat(n) });

describe('keepAnswers', () => {
  it.each([
    ['all under the cap', [10, 10], 1000, 2, 0],
    ['stops at the first answer past the cap', [10, 2000, 10], 1000, 1, 2],
    ['keeps none when the first is too big', [5000], 1000, 0, 1],
  ])('%s', (_name, sizes, maxBytes, kept, dropped) => {
    const result = keepAnswers(sizes.map(sized), { maxBytes });
    expect([result.kept.length, result.dropped]).toEqual([kept, dropped]);
  });

  it('caps the count too', () => {
    expect(keepAnswers([sized(1), sized(1), sized(1)], { maxAnswers: 2 })).toMatchObject({ dropped: 1 });
  });

  it('property: the kept answers are a prefix within the byte cap, and kept + dropped is all', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(300)), fc.nat(2000), (sizes, maxBytes) => {
        const answers = sizes.map(sized);
        const { kept, dropped } = keepAnswers(answers, { maxBytes });
        expect(kept).toEqual(answers.slice(0, kept.length));
        expect(kept.length + dropped).toBe(answers.length);
        expect(kept.reduce((n, a) => n + answerBytes(a), 0)).toBeLessThanOrEqual(maxBytes);
      }),
    );
  });
});
