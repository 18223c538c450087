/** Conditions: parsed from what operators write, and never met by a value that is not a finite number. */
import { describe, expect, it } from 'vitest';
import { meetsCondition, parseCondition, worseDirectionOf, type AnalysisCondition } from './analysis-condition.js';

function condition(text: string): AnalysisCondition {
  const parsed = parseCondition(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.condition;
}

describe('parseCondition', () => {
  it.each([
    ['< 0.01', '<', 0.01],
    ['>= 0.995', '>=', 0.995],
    ['  <=5 ', '<=', 5],
    ['> -1e-3', '>', -0.001],
    ['== 0', '==', 0],
    ['!= 1', '!=', 1],
  ])('%j → %s %d', (text, operator, threshold) => {
    expect(condition(text)).toMatchObject({ operator, threshold });
  });

  it.each(['', 'about 0.1', '< ', '=< 1', '< 0.1 or > 0.2', '< NaN'])('refuses %j', (text) => {
    expect(parseCondition(text)).toMatchObject({ ok: false, message: expect.stringContaining('is not a condition') });
  });
});

describe('meetsCondition', () => {
  it.each([
    ['< 0.01', 0.001, true],
    ['< 0.01', 0.01, false],
    ['<= 0.01', 0.01, true],
    ['>= 0.995', 0.999, true],
    ['>= 0.995', 0.5, false],
    ['> 0', 0, false],
    ['== 0', 0, true],
    ['!= 0', 0, false],
  ])('%s with %d → %s', (text, value, met) => {
    expect(meetsCondition(condition(text), value)).toBe(met);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, undefined])('%s decides nothing, whatever the condition', (value) => {
    for (const text of ['< 0.01', '>= 0', '!= 1', '> -1000']) expect(meetsCondition(condition(text), value)).toBeNull();
  });
});

describe('worseDirectionOf', () => {
  it.each([
    ['< 0.01', 'greater'],
    ['<= 0.01', 'greater'],
    ['>= 0.995', 'less'],
    ['> 0.9', 'less'],
    ['== 0', 'either'],
  ])('%s → a %s canary is worse', (text, direction) => {
    expect(worseDirectionOf(condition(text))).toBe(direction);
  });
});
