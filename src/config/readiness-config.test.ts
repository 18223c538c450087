import { describe, expect, it } from 'vitest';
import { readReadinessConfig } from './readiness-config.js';

describe('readReadinessConfig', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['TRUE', true],
    ['1', true],
  ])('P6_READINESS_REQUIRED=%s → %s', (raw, expected) => {
    expect(readReadinessConfig(raw === undefined ? {} : { P6_READINESS_REQUIRED: raw }).requiredEverywhere).toBe(expected);
  });

  it('refuses anything else, so a typo cannot switch the gate off', () => {
    expect(() => readReadinessConfig({ P6_READINESS_REQUIRED: 'ture' })).toThrow(/P6_READINESS_REQUIRED/);
  });
});
