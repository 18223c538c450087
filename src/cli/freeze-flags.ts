/**
 * Flag values of `ferry freeze add`, parsed before any request so a typo is exit 2 with
 * one line. A weekly span is written as the operator says it, "fri 16:00-mon 08:00" or
 * "mon 09:00-17:00" (the same day); the server checks days, times and the zone.
 */
import { InvalidArgumentError } from 'commander';
import type { WeeklySpan } from '../core/freezes/freeze-window.js';
import { parseIsoTime } from '../core/iso-time.js';

const SPAN = /^\s*([A-Za-z]+)\s+(\d{1,2}:\d{2})\s*-\s*((?:[A-Za-z]+\s+)?\d{1,2}:\d{2})\s*$/;

/** "fri 16:00-mon 08:00" → {day: "fri", from: "16:00", to: "mon 08:00"}. */
export function weeklySpan(raw: string): WeeklySpan {
  const m = SPAN.exec(raw);
  if (m === null) throw new InvalidArgumentError(`expected a weekly span such as "fri 16:00-mon 08:00" or "mon 09:00-17:00", got "${raw}"`);
  return { day: m[1]!.toLowerCase(), from: m[2]!, to: m[3]!.replace(/\s+/, ' ').toLowerCase() };
}

/** For the repeatable --weekly. */
export function collectSpans(raw: string, previous: WeeklySpan[] | undefined): WeeklySpan[] {
  return [...(previous ?? []), weeklySpan(raw)];
}

/** A strict ISO-8601 time with a zone (or a bare date, midnight UTC), passed on as typed. */
export function freezeTime(raw: string): string {
  if (parseIsoTime(raw.trim()) === null) throw new InvalidArgumentError(`expected an ISO-8601 time with a zone such as 2026-12-24T00:00:00Z, got "${raw}"`);
  return raw.trim();
}
