/**
 * Strict ISO-8601 times for everything a client sends (`since`, `at`, `build_time`,
 * `expires_at`). `Date.parse` is far too lenient for an API: it takes "1" (the year
 * 2001), rolls 2026-02-30 over to March and reads a time without a zone as local time.
 *
 *   "2026-01-31"                 -> midnight UTC
 *   "2026-01-31T12:00:00Z"       -> that instant
 *   "2026-01-31T12:00:00.5+02:00"-> that instant
 *   "2026-02-30", "1", "2026-01-31T12:00:00" (no zone), "not a time" -> null
 */
const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;

/** Epoch ms, or null when `text` is not a real calendar date in the forms above. */
export function parseIsoTime(text: string): number | null {
  const m = ISO_PATTERN.exec(text);
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return null;
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    if (Number(digits.slice(1, 3)) > 23 || Number(digits.slice(3, 5)) > 59) return null;
  }
  const ms = Date.parse(m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : text.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch milliseconds as the ISO-8601 UTC text the API speaks; Ferry keeps epoch ms inside. */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** An optional ISO-8601 query parameter, read strictly: undefined when absent or empty, null when malformed. */
export function parseIso(value: string | undefined): number | undefined | null {
  if (value === undefined || value === '') return undefined;
  return parseIsoTime(value);
}
