/**
 * Whether a checked freeze window covers a moment, and when the covering stretch ends:
 * a pure function of the window and `now` (epoch ms). See README.md for the invariants
 * and for how the hours DST skips or repeats are read.
 */
import { MINUTES_PER_WEEK, type CheckedSpan, type CheckedWindow } from './freeze-window.js';
import { firstInstantAtWall, MINUTE_MS, startOfWeek, wallTimeAt } from './zoned-time.js';

export type Coverage = { covered: true; ends_at: number } | { covered: false };

const WEEK_MS = MINUTES_PER_WEEK * MINUTE_MS;

/**
 * Spans that touch or overlap (fri 16:00 → sat 00:00 and sat 00:00 → mon 08:00) are one
 * stretch, so `ends_at` is the first moment not covered. A window covering the whole
 * week would chain to its `ends_at`; this many hops bounds the work (about a year of a
 * span a day), after which the end reported is where the count stopped.
 */
const MAX_CHAINED_OCCURRENCES = 400;

/**
 * Covered when `starts_at <= now < ends_at` and, for a weekly window, an occurrence of
 * one of its spans holds `now`. `ends_at` is the end of the covering stretch, never
 * later than the window's own `ends_at`.
 *
 *   one-off 2026-12-24T00:00Z → 2026-12-27T00:00Z, now 12-25 → covered, ends 12-27T00:00Z
 *   weekly fri 16:00 → mon 08:00 Europe/Berlin, now Sat 2026-06-06 12:00Z → covered,
 *     ends Mon 2026-06-08 06:00Z (08:00 CEST)
 */
export function freezeCoverage(window: CheckedWindow, now: number): Coverage {
  if (now < window.starts_at || now >= window.ends_at) return { covered: false };
  if (window.weekly === null) return { covered: true, ends_at: window.ends_at };
  const { spans, timeZone } = window.weekly;
  let end = occurrenceEndCovering(spans, timeZone, now);
  if (end === null) return { covered: false };
  for (let hop = 0; hop < MAX_CHAINED_OCCURRENCES && end < window.ends_at; hop++) {
    const next = occurrenceEndCovering(spans, timeZone, end);
    if (next === null) break;
    end = next;
  }
  return { covered: true, ends_at: Math.min(end, window.ends_at) };
}

/**
 * The latest end among the spans' occurrences holding `instant`, or null. An occurrence
 * runs from the first instant the local clock reaches its start to the first instant it
 * reaches its end. Only the occurrences starting in the week of the local time, the week
 * before (a span may run up to a week) and the week after (a clock set back across
 * midnight may already have shown its start) can hold it.
 */
function occurrenceEndCovering(spans: CheckedSpan[], timeZone: string, instant: number): number | null {
  const week = startOfWeek(wallTimeAt(timeZone, instant));
  let latest: number | null = null;
  for (const span of spans) {
    for (const shift of [-1, 0, 1]) {
      const startWall = week + shift * WEEK_MS + span.start * MINUTE_MS;
      const start = firstInstantAtWall(timeZone, startWall);
      if (start > instant) continue;
      const end = firstInstantAtWall(timeZone, startWall + span.length * MINUTE_MS);
      if (instant < end && (latest === null || end > latest)) latest = end;
    }
  }
  return latest;
}
