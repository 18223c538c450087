/**
 * A freeze window (CONTRACT §4) as an operator declares it, and its validation. A window
 * is either one-off, `[starts_at, ends_at)`, or weekly: spans such as "fri 16:00 → mon
 * 08:00" in an IANA time zone, applying only between `starts_at` and `ends_at`. Checking
 * turns the declaration into minutes of the week once, so coverage never re-parses text,
 * and says what is wrong as data (`bad_freeze_window`, `bad_recurrence`, `bad_time_zone`).
 */
import { isTimeZone } from './zoned-time.js';

/** Weeks run Monday to Sunday; a span's day names are these three letters. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const MINUTES_PER_WEEK = 7 * 24 * 60;

/** One weekly span: from `day` `from`, to `to` (`HH:MM` the same day, or `ddd HH:MM` a later day). */
export interface WeeklySpan {
  day: string;
  from: string;
  to: string;
}

export interface FreezeRecurrence {
  weekly: WeeklySpan[];
  /** IANA zone the spans' wall times are read in; default UTC. */
  time_zone?: string;
}

/** What coverage is decided from: instants in epoch ms and, for a weekly window, its recurrence. */
export interface FreezeWindowSpec {
  starts_at: number;
  ends_at: number;
  recurrence: FreezeRecurrence | null;
}

/** A span as minutes: it starts `start` minutes after Monday 00:00 and lasts `length` minutes (less than a week). */
export interface CheckedSpan {
  start: number;
  length: number;
}

export interface CheckedWindow {
  starts_at: number;
  ends_at: number;
  /** Null for a one-off window. */
  weekly: { spans: CheckedSpan[]; timeZone: string } | null;
}

export type WindowCheck = { ok: true; window: CheckedWindow } | { ok: false; reason: 'bad_freeze_window' | 'bad_recurrence' | 'bad_time_zone'; message: string };

const MAX_SPANS = 50;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Validates `spec`. Examples:
 *   fri 16:00 → "mon 08:00"  start 4·1440+960 = 6720, length 3840 (64 h)
 *   sat 22:00 → "mon 06:00"  wraps across the week end: length 1920 (32 h)
 *   mon 09:00 → "17:00"      the same day: 8 h;  mon 17:00 → "09:00" is bad_freeze_window
 */
export function checkFreezeWindow(spec: FreezeWindowSpec): WindowCheck {
  if (!Number.isFinite(spec.starts_at) || !Number.isFinite(spec.ends_at) || spec.ends_at <= spec.starts_at) {
    return { ok: false, reason: 'bad_freeze_window', message: 'ends_at must be after starts_at' };
  }
  if (spec.recurrence === null) return { ok: true, window: { starts_at: spec.starts_at, ends_at: spec.ends_at, weekly: null } };
  const timeZone = spec.recurrence.time_zone ?? 'UTC';
  if (!isTimeZone(timeZone)) return { ok: false, reason: 'bad_time_zone', message: `unknown time zone "${timeZone}"; use an IANA name such as Europe/Berlin` };
  const weekly = spec.recurrence.weekly;
  if (!Array.isArray(weekly) || weekly.length === 0 || weekly.length > MAX_SPANS) {
    return { ok: false, reason: 'bad_recurrence', message: `recurrence.weekly must list 1 to ${MAX_SPANS} spans` };
  }
  const spans: CheckedSpan[] = [];
  for (const span of weekly) {
    const checked = checkSpan(span);
    if (!checked.ok) return checked;
    spans.push(checked.span);
  }
  return { ok: true, window: { starts_at: spec.starts_at, ends_at: spec.ends_at, weekly: { spans, timeZone } } };
}

type SpanCheck = { ok: true; span: CheckedSpan } | Extract<WindowCheck, { ok: false }>;

function checkSpan(span: WeeklySpan): SpanCheck {
  const label = `${span.day} ${span.from} → ${span.to}`;
  const day = weekdayIndex(span.day);
  const from = clockMinutes(span.from);
  if (day === null) return badRecurrence(`"${span.day}" is not a day; use one of ${WEEKDAYS.join(', ')}`);
  if (from === null) return badRecurrence(`"${span.from}" is not a time of day (HH:MM, 00:00 to 23:59)`);
  const [toDayText, toClockText] = span.to.trim().includes(' ') ? span.to.trim().split(/\s+/, 2) : [null, span.to.trim()];
  const toDay = toDayText === null ? day : weekdayIndex(toDayText!);
  const to = clockMinutes(toClockText!);
  if (toDay === null) return badRecurrence(`"${toDayText}" in "${span.to}" is not a day; use one of ${WEEKDAYS.join(', ')}`);
  if (to === null) return badRecurrence(`"${toClockText}" in "${span.to}" is not a time of day (HH:MM, 00:00 to 23:59)`);
  const start = day * 1440 + from;
  const end = toDay * 1440 + to;
  if (toDayText === null && to <= from) {
    return { ok: false, reason: 'bad_freeze_window', message: `${label} ends before it starts; name the later day ("${WEEKDAYS[(day + 1) % 7]} ${span.to}") to run past midnight` };
  }
  // A later day may wrap across the week end: sat 22:00 → mon 06:00 is 32 hours.
  const length = (((end - start) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  if (length === 0) return { ok: false, reason: 'bad_freeze_window', message: `${label} has no length; a weekly span lasts less than a week` };
  return { ok: true, span: { start, length } };
}

function badRecurrence(message: string): SpanCheck {
  return { ok: false, reason: 'bad_recurrence', message };
}

function weekdayIndex(text: string): number | null {
  const index = (WEEKDAYS as readonly string[]).indexOf(typeof text === 'string' ? text.trim().toLowerCase() : '');
  return index < 0 ? null : index;
}

function clockMinutes(text: string): number | null {
  const m = typeof text === 'string' ? CLOCK.exec(text.trim()) : null;
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}
