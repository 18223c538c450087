/**
 * Wall-clock time in an IANA time zone, from `Intl.DateTimeFormat` alone (no zone data of
 * our own). A "wall time" here is the local date and time written as if it were UTC epoch
 * ms: 2026-03-29 02:30 in Europe/Berlin is `Date.UTC(2026, 2, 29, 2, 30)`. Week and day
 * arithmetic on wall times is plain addition; only turning them back into instants needs
 * the zone, and that is where DST's missing and repeated hours are decided (below).
 *
 * Pure: the formatters are cached per zone, which is memoisation, not state.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `timeZone` as an IANA zone (or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `instant`, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const hour = parts.hour === 24 ? 0 : parts.hour!;
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, hour, parts.minute!, parts.second!);
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
  return wall - wholeSecond;
}

/** The local wall time at `instant`. */
export function wallTimeAt(timeZone: string, instant: number): number {
  return instant + offsetAt(timeZone, instant);
}

/**
 * The first instant at which a clock in `timeZone` reaches `wall` (shows it or a later time):
 *
 * - an ordinary wall time: its one instant;
 * - a wall time that exists twice (the hour repeated when clocks go back): the first of the
 *   two, e.g. New York 2026-11-01 01:30 → 05:30Z (EDT), not 06:30Z (EST);
 * - a wall time that does not exist (the hour skipped when clocks go forward): the moment
 *   of the jump, e.g. Berlin 2026-03-29 02:30 → 01:00Z, when the clock leaps from 02:00 to 03:00.
 *
 * Assumes at most one offset change within a day of `wall`, true of every zone in use.
 */
export function firstInstantAtWall(timeZone: string, wall: number): number {
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const readings = [wall - before, wall - after].filter((instant, i) => offsetAt(timeZone, instant) === (i === 0 ? before : after));
  if (readings.length > 0) return Math.min(...readings);
  // Skipped: under the old offset `wall` would fall after the jump, under the new one before it.
  return transitionBetween(timeZone, wall - after, wall - before, after);
}

/** The first instant in (`from`, `to`] whose offset is `target`, by bisection to the millisecond. */
function transitionBetween(timeZone: string, from: number, to: number, target: number): number {
  let low = from;
  let high = to;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(timeZone, middle) === target) high = middle;
    else low = middle;
  }
  return high;
}

/** Monday 00:00 of the week holding `wall` (weeks run Monday to Sunday). */
export function startOfWeek(wall: number): number {
  const day = Math.floor(wall / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * DAY_MS;
}

export { DAY_MS, MINUTE_MS };
