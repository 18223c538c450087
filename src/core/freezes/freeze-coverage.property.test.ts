/**
 * Properties of freeze coverage with a fake clock (random instants), across the DST
 * changes of Europe/Berlin and America/New_York in 2026 and across week boundaries in UTC.
 * The oracle reads local wall time from a table of the known offsets around each change,
 * independently of the Intl arithmetic under test:
 *
 * 1. A moment is covered iff its local wall time lies within a span, except in the second
 *    showing of an hour repeated when clocks go back, where coverage stays what it was
 *    just before the clocks went back (no span starts or ends there).
 * 2. A covered moment's reported end is after it, the moment before the end is covered,
 *    and the end itself is not (or is the window's own end); so is every moment between.
 * 3. Nothing is covered outside [starts_at, ends_at).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freezeCoverage } from './freeze-coverage.js';
import { checkFreezeWindow, MINUTES_PER_WEEK, WEEKDAYS, type CheckedWindow, type WeeklySpan } from './freeze-window.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEK = MINUTES_PER_WEEK * MIN;
/** 1970-01-05, the first Monday of the epoch: wall week minutes count from a Monday. */
const EPOCH_MONDAY = 4 * DAY;

interface Change {
  zone: string;
  at: number;
  before: number;
  after: number;
}

const CHANGES: Change[] = [
  { zone: 'Europe/Berlin', at: Date.UTC(2026, 2, 29, 1), before: HOUR, after: 2 * HOUR },
  { zone: 'Europe/Berlin', at: Date.UTC(2026, 9, 25, 1), before: 2 * HOUR, after: HOUR },
  { zone: 'America/New_York', at: Date.UTC(2026, 2, 8, 7), before: -5 * HOUR, after: -4 * HOUR },
  { zone: 'America/New_York', at: Date.UTC(2026, 10, 1, 6), before: -4 * HOUR, after: -5 * HOUR },
];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
function clock(minuteOfDay: number): string {
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/** A span from a start minute of the week and a length, written as an operator would. */
const spanArb: fc.Arbitrary<WeeklySpan> = fc
  .record({
    day: fc.integer({ min: 0, max: 6 }),
    // Half the spans start or end in the small hours, where the clocks change.
    from: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 45, max: 200 })),
    length: fc.oneof(fc.integer({ min: 1, max: MINUTES_PER_WEEK - 1 }), fc.integer({ min: 1, max: 240 })),
    sameDayForm: fc.boolean(),
  })
  .map(({ day, from, length, sameDayForm }) => {
    const end = (day * 1440 + from + length) % MINUTES_PER_WEEK;
    const to = sameDayForm && from + length < 1440 ? clock(from + length) : `${WEEKDAYS[Math.floor(end / 1440)]} ${clock(end % 1440)}`;
    return { day: WEEKDAYS[day]!, from: clock(from), to };
  });

function checked(spans: WeeklySpan[], time_zone: string, starts_at: number, ends_at: number): CheckedWindow {
  const check = checkFreezeWindow({ starts_at, ends_at, recurrence: { weekly: spans, time_zone } });
  if (!check.ok) throw new Error(`${check.reason}: ${check.message}`);
  return check.window;
}

/** The oracle: is this local wall time inside one of the window's spans? */
function wallInWindow(window: CheckedWindow, wall: number): boolean {
  const weekMs = (((wall - EPOCH_MONDAY) % WEEK) + WEEK) % WEEK;
  return window.weekly!.spans.some((s) => (((weekMs - s.start * MIN) % WEEK) + WEEK) % WEEK < s.length * MIN);
}

const covered = (window: CheckedWindow, t: number) => freezeCoverage(window, t).covered;

function checkEnd(window: CheckedWindow, t: number): void {
  const coverage = freezeCoverage(window, t);
  if (!coverage.covered) return;
  expect(coverage.ends_at).toBeGreaterThan(t);
  expect(coverage.ends_at).toBeLessThanOrEqual(window.ends_at);
  expect(covered(window, coverage.ends_at - 1)).toBe(true);
  if (coverage.ends_at < window.ends_at) expect(covered(window, coverage.ends_at)).toBe(false);
  for (const share of [0.25, 0.5, 0.75]) expect(covered(window, t + Math.floor((coverage.ends_at - t) * share))).toBe(true);
}

describe('freeze coverage across DST changes', () => {
  const momentArb = fc.record({
    change: fc.constantFrom(...CHANGES),
    // Anywhere within ten days of the change, or within three hours of it.
    offset: fc.oneof(fc.integer({ min: -10 * DAY, max: 10 * DAY }), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })),
    spans: fc.array(spanArb, { minLength: 1, maxLength: 3 }),
  });

  it('a moment is covered iff its local wall time is within a span (the repeated hour keeps what it had)', () => {
    fc.assert(
      fc.property(momentArb, ({ change, offset, spans }) => {
        const window = checked(spans, change.zone, change.at - 30 * DAY, change.at + 30 * DAY);
        const t = change.at + offset;
        const repeatedHour = change.after < change.before && t >= change.at && t < change.at + (change.before - change.after);
        if (repeatedHour) {
          expect(covered(window, t)).toBe(covered(window, change.at - 1));
        } else {
          const wall = t + (t < change.at ? change.before : change.after);
          expect(covered(window, t)).toBe(wallInWindow(window, wall));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the reported end is after now, the stretch up to it is covered, and the end itself is not', () => {
    fc.assert(
      fc.property(momentArb, ({ change, offset, spans }) => {
        checkEnd(checked(spans, change.zone, change.at - 30 * DAY, change.at + 30 * DAY), change.at + offset);
      }),
      { numRuns: 200 },
    );
  });
});

describe('freeze coverage across week boundaries (UTC)', () => {
  const YEAR_START = Date.UTC(2026, 0, 1);
  const windowArb = fc.record({
    spans: fc.array(spanArb, { minLength: 1, maxLength: 3 }),
    startsAt: fc.integer({ min: 0, max: 365 * DAY }),
    lengthMs: fc.integer({ min: 1, max: 60 * DAY }),
    // Anywhere in the year, or within an hour of a Monday 00:00 (2026-01-05 is the first).
    t: fc.oneof(
      fc.integer({ min: 0, max: 400 * DAY }),
      fc.tuple(fc.integer({ min: 0, max: 55 }), fc.integer({ min: -HOUR, max: HOUR })).map(([week, drift]) => 4 * DAY + week * WEEK + drift),
    ),
  });

  it('covered iff inside [starts_at, ends_at) and the UTC wall time is within a span; the end is the first uncovered moment', () => {
    fc.assert(
      fc.property(windowArb, ({ spans, startsAt, lengthMs, t }) => {
        const window = checked(spans, 'UTC', YEAR_START + startsAt, YEAR_START + startsAt + lengthMs);
        const now = YEAR_START + t;
        const inBounds = now >= window.starts_at && now < window.ends_at;
        expect(covered(window, now)).toBe(inBounds && wallInWindow(window, now));
        checkEnd(window, now);
      }),
      { numRuns: 400 },
    );
  });

  it('a one-off window covers exactly [starts_at, ends_at) and ends at ends_at', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * DAY }), fc.integer({ min: 1, max: 10 * DAY }), fc.integer({ min: 0, max: 30 * DAY }), (start, length, t) => {
        const window: CheckedWindow = { starts_at: start, ends_at: start + length, weekly: null };
        const inside = t >= start && t < start + length;
        expect(freezeCoverage(window, t)).toEqual(inside ? { covered: true, ends_at: start + length } : { covered: false });
      }),
    );
  });
});
