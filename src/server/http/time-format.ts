/** Ferry keeps epoch milliseconds inside and speaks ISO-8601 UTC at the API edge. */
import { parseIsoTime } from '../../core/iso-time.js';

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Parses an ISO-8601 query parameter strictly (core/iso-time.ts); undefined when absent, null when malformed. */
export function parseIso(value: string | undefined): number | undefined | null {
  if (value === undefined || value === '') return undefined;
  return parseIsoTime(value);
}
