import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso, parseIso, parseIsoTime } from './iso-time.js';

describe('parseIsoTime', () => {
  it.each([
    ['2026-01-31', Date.UTC(2026, 0, 31)],
    ['2026-01-31T12:00:00Z', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31T12:00Z', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31T12:00:00.250Z', Date.UTC(2026, 0, 31, 12, 0, 0, 250)],
    ['2026-01-31T14:00:00+02:00', Date.UTC(2026, 0, 31, 12)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('accepts %s', (text, ms) => {
    expect(parseIsoTime(text)).toBe(ms);
  });

  it.each(['not a time', '1', '2026', '2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-01-31T12:00:00', '2026-01-31T24:00:00Z', '2026-01-31T12:60:00Z', '2026-01-31T12:00:00+25:00', '', ' 2026-01-31', '2026-1-31'])(
    'refuses %j',
    (text) => {
      expect(parseIsoTime(text)).toBeNull();
    },
  );

  it('reads back every instant that toISOString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        expect(parseIsoTime(new Date(ms).toISOString())).toBe(ms);
      }),
      { seed: 8, numRuns: 500 },
    );
  });
});

describe('iso and parseIso, the API edge of epoch milliseconds', () => {
  it('writes epoch ms as ISO-8601 UTC and keeps null as null', () => {
    expect(iso(Date.UTC(2026, 0, 31, 12, 0, 0, 250))).toBe('2026-01-31T12:00:00.250Z');
    expect(iso(null)).toBeNull();
  });

  it.each([
    [undefined, undefined],
    ['', undefined],
    ['2026-01-31T12:00:00Z', Date.UTC(2026, 0, 31, 12)],
    ['2026-02-30', null],
  ])('reads the query parameter %j as %j (absent, a time, or malformed)', (value, expected) => {
    expect(parseIso(value)).toBe(expected);
  });

  it('reads back every time it writes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) }), (ms) => parseIso(iso(ms)) === ms));
  });
});
