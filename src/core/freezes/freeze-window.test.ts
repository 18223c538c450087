/** Named cases of freeze window validation, of coverage, and of the zone arithmetic under it. */
import { describe, expect, it } from 'vitest';
import { freezeCoverage } from './freeze-coverage.js';
import { checkFreezeWindow, type CheckedWindow, type FreezeRecurrence, type WeeklySpan } from './freeze-window.js';
import { firstInstantAtWall, wallTimeAt } from './zoned-time.js';

const at = (text: string) => Date.parse(text);
const FAR_PAST = at('2020-01-01T00:00:00Z');
const FAR_FUTURE = at('2030-01-01T00:00:00Z');

function weekly(spans: WeeklySpan[], time_zone?: string, bounds = { starts_at: FAR_PAST, ends_at: FAR_FUTURE }): CheckedWindow {
  const recurrence: FreezeRecurrence = { weekly: spans, ...(time_zone !== undefined ? { time_zone } : {}) };
  const check = checkFreezeWindow({ ...bounds, recurrence });
  if (!check.ok) throw new Error(check.message);
  return check.window;
}

describe('checkFreezeWindow', () => {
  it.each([
    ['fri 16:00 → mon 08:00', { day: 'fri', from: '16:00', to: 'mon 08:00' }, { start: 4 * 1440 + 960, length: 64 * 60 }],
    ['sat 22:00 → mon 06:00 wraps the week end', { day: 'sat', from: '22:00', to: 'mon 06:00' }, { start: 5 * 1440 + 1320, length: 32 * 60 }],
    ['mon 09:00 → 17:00 the same day', { day: 'mon', from: '09:00', to: '17:00' }, { start: 540, length: 480 }],
    ['tue 17:00 → tue 09:00 runs to next week', { day: 'tue', from: '17:00', to: 'tue 09:00' }, { start: 1440 + 1020, length: 7 * 1440 - 480 }],
    ['day names in any case', { day: 'FRI', from: '16:00', to: 'Sat 00:00' }, { start: 4 * 1440 + 960, length: 480 }],
  ])('%s', (_name, span, expected) => {
    const check = checkFreezeWindow({ starts_at: 0, ends_at: 1, recurrence: { weekly: [span] } });
    expect(check).toEqual({ ok: true, window: { starts_at: 0, ends_at: 1, weekly: { spans: [expected], timeZone: 'UTC' } } });
  });

  it.each([
    ['ends before it starts', { starts_at: 10, ends_at: 5, recurrence: null }, 'bad_freeze_window'],
    ['ends when it starts', { starts_at: 10, ends_at: 10, recurrence: null }, 'bad_freeze_window'],
    ['same-day span ending first', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'mon', from: '17:00', to: '09:00' }] } }, 'bad_freeze_window'],
    ['a span of no length', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'mon', from: '17:00', to: 'mon 17:00' }] } }, 'bad_freeze_window'],
    ['impossible day', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'fry', from: '16:00', to: 'mon 08:00' }] } }, 'bad_recurrence'],
    ['impossible end day', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'fri', from: '16:00', to: 'mun 08:00' }] } }, 'bad_recurrence'],
    ['hour 25', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'fri', from: '25:00', to: 'mon 08:00' }] } }, 'bad_recurrence'],
    ['minute 60', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'fri', from: '16:60', to: 'mon 08:00' }] } }, 'bad_recurrence'],
    ['24:00', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'fri', from: '16:00', to: '24:00' }] } }, 'bad_recurrence'],
    ['no spans', { starts_at: 0, ends_at: 1, recurrence: { weekly: [] } }, 'bad_recurrence'],
    ['unknown zone', { starts_at: 0, ends_at: 1, recurrence: { weekly: [{ day: 'fri', from: '16:00', to: '18:00' }], time_zone: 'Mars/Olympus' } }, 'bad_time_zone'],
  ])('%s → %s', (_name, spec, reason) => {
    const check = checkFreezeWindow(spec);
    expect(check).toMatchObject({ ok: false, reason, message: expect.any(String) });
  });
});

describe('freezeCoverage', () => {
  const oneOff = { starts_at: at('2026-12-24T00:00:00Z'), ends_at: at('2026-12-27T00:00:00Z'), weekly: null };

  it.each([
    ['before a one-off window', oneOff, '2026-12-23T23:59:59.999Z', null],
    ['at its start', oneOff, '2026-12-24T00:00:00Z', '2026-12-27T00:00:00.000Z'],
    ['at its end (exclusive)', oneOff, '2026-12-27T00:00:00Z', null],
    ['weekend in Berlin summer', weekly([{ day: 'fri', from: '16:00', to: 'mon 08:00' }], 'Europe/Berlin'), '2026-06-06T12:00:00Z', '2026-06-08T06:00:00.000Z'],
    ['Friday 15:59 Berlin is not yet frozen', weekly([{ day: 'fri', from: '16:00', to: 'mon 08:00' }], 'Europe/Berlin'), '2026-06-05T13:59:00Z', null],
    ['Friday 16:00 Berlin is', weekly([{ day: 'fri', from: '16:00', to: 'mon 08:00' }], 'Europe/Berlin'), '2026-06-05T14:00:00Z', '2026-06-08T06:00:00.000Z'],
    ['sat 22:00 → mon 06:00 UTC, on Sunday', weekly([{ day: 'sat', from: '22:00', to: 'mon 06:00' }]), '2026-06-07T10:00:00Z', '2026-06-08T06:00:00.000Z'],
    ['sat 22:00 → mon 06:00 UTC, Monday 06:00 is out', weekly([{ day: 'sat', from: '22:00', to: 'mon 06:00' }]), '2026-06-08T06:00:00Z', null],
    ['touching spans are one stretch', weekly([{ day: 'fri', from: '16:00', to: 'sat 00:00' }, { day: 'sat', from: '00:00', to: 'mon 08:00' }]), '2026-06-05T17:00:00Z', '2026-06-08T08:00:00.000Z'],
    ['a recurrence ends with its window', weekly([{ day: 'fri', from: '16:00', to: 'mon 08:00' }], 'UTC', { starts_at: FAR_PAST, ends_at: at('2026-06-07T00:00:00Z') }), '2026-06-06T12:00:00Z', '2026-06-07T00:00:00.000Z'],
    ['and applies only once it starts', weekly([{ day: 'fri', from: '16:00', to: 'mon 08:00' }], 'UTC', { starts_at: at('2026-06-07T00:00:00Z'), ends_at: FAR_FUTURE }), '2026-06-06T12:00:00Z', null],
    ['New York weekend across the November change', weekly([{ day: 'sat', from: '20:00', to: 'mon 08:00' }], 'America/New_York'), '2026-11-01T12:00:00Z', '2026-11-02T13:00:00.000Z'],
  ])('%s', (_name, window, now, endsAt) => {
    const coverage = freezeCoverage(window, at(now));
    expect(coverage).toEqual(endsAt === null ? { covered: false } : { covered: true, ends_at: at(endsAt) });
  });

  it('a span starting in the hour DST skips starts when the clock jumps', () => {
    // Berlin 2026-03-29: 02:00 CET → 03:00 CEST at 01:00Z, so 02:30 never shows.
    const window = weekly([{ day: 'sun', from: '02:30', to: '05:00' }], 'Europe/Berlin');
    expect(freezeCoverage(window, at('2026-03-29T00:59:59.999Z'))).toEqual({ covered: false });
    expect(freezeCoverage(window, at('2026-03-29T01:00:00Z'))).toEqual({ covered: true, ends_at: at('2026-03-29T03:00:00Z') });
  });

  it('a span ending in a repeated hour ends at its first showing', () => {
    // New York 2026-11-01: 01:30 shows at 05:30Z (EDT) and again at 06:30Z (EST).
    const window = weekly([{ day: 'sun', from: '00:00', to: '01:30' }], 'America/New_York');
    expect(freezeCoverage(window, at('2026-11-01T05:29:00Z'))).toEqual({ covered: true, ends_at: at('2026-11-01T05:30:00Z') });
    expect(freezeCoverage(window, at('2026-11-01T06:15:00Z'))).toEqual({ covered: false });
  });
});

describe('zoned time', () => {
  it.each([
    ['ordinary', 'Europe/Berlin', Date.UTC(2026, 5, 1, 12), '2026-06-01T10:00:00.000Z'],
    ['repeated: the first', 'America/New_York', Date.UTC(2026, 10, 1, 1, 30), '2026-11-01T05:30:00.000Z'],
    ['repeated in Berlin: the first', 'Europe/Berlin', Date.UTC(2026, 9, 25, 2, 30), '2026-10-25T00:30:00.000Z'],
    ['skipped: the jump', 'Europe/Berlin', Date.UTC(2026, 2, 29, 2, 30), '2026-03-29T01:00:00.000Z'],
    ['skipped in New York: the jump', 'America/New_York', Date.UTC(2026, 2, 8, 2, 30), '2026-03-08T07:00:00.000Z'],
    ['UTC', 'UTC', Date.UTC(2026, 2, 8, 2, 30), '2026-03-08T02:30:00.000Z'],
  ])('firstInstantAtWall %s', (_name, zone, wall, expected) => {
    expect(new Date(firstInstantAtWall(zone, wall)).toISOString()).toBe(expected);
  });

  it('wallTimeAt reads the local clock', () => {
    expect(wallTimeAt('Europe/Berlin', Date.UTC(2026, 5, 1, 10))).toBe(Date.UTC(2026, 5, 1, 12));
    expect(wallTimeAt('America/New_York', Date.UTC(2026, 0, 1, 5))).toBe(Date.UTC(2026, 0, 1, 0));
  });
});
