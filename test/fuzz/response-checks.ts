/**
 * What every answer of the API must satisfy, whatever it was sent (CONTRACT §2): no 5xx
 * but a 503 with Retry-After, the contract's error body, and no internals in any body.
 */
import { join } from 'node:path';
import type { FuzzRequest } from './request-arbitraries.js';

/** Where this checkout lives, wherever CI clones it. */
const REPOSITORY = join(import.meta.dirname, '..', '..');
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface FuzzResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Text that only the server's internals could have put in a body: stack frames, file paths, database errors. */
const LEAK_MARKERS: RegExp[] = [
  /\/work\//,
  new RegExp(escaped(REPOSITORY)),
  /node_modules/,
  /\bat (?:Object\.|async |new )?[\w$.<>[\]]+ \(/,
  /\bat Object\./,
  /\.(?:ts|js|mjs|cjs):\d+/,
  /SQLITE_/,
  /constraint failed/i,
  /ferry-server-test-/,
  /ferry\.db/,
  /\b(?:TypeError|ReferenceError|RangeError)\b/,
  /Cannot read propert/,
  /is not a function/,
  /is not iterable/,
];

const ERROR_CODE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Every string in a parsed JSON body, keys included. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Markers in the body that the request did not carry itself (an echoed input is not a leak). */
export function leaksIn(response: FuzzResponse, request: FuzzRequest): string[] {
  let texts: string[];
  try {
    texts = stringsIn(JSON.parse(response.body));
  } catch {
    texts = [response.body];
  }
  const sent = [request.url, safeDecode(request.url), request.payload ?? '', ...Object.values(request.headers)].join('\n');
  const found: string[] = [];
  for (const text of texts) {
    for (const marker of LEAK_MARKERS) {
      const match = text.match(marker);
      if (match !== null && !sent.includes(match[0])) found.push(`${marker} in ${JSON.stringify(text.slice(0, 300))}`);
    }
  }
  return found;
}

/** Why an error body is not `{"error":{"code","message","details"}}`, or null when it is. */
export function errorShapeProblem(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the error body is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the error body is not an object';
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== 'error') return `the error body has keys ${JSON.stringify(keys)}, not just "error"`;
  const error = (parsed as { error: unknown }).error as Record<string, unknown> | null;
  if (error === null || typeof error !== 'object' || Array.isArray(error)) return '"error" is not an object';
  if (typeof error.code !== 'string' || !ERROR_CODE.test(error.code)) return `error.code ${JSON.stringify(error.code)} is not snake_case`;
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'error.message is not a non-empty string';
  const details = error.details;
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return 'error.details is not an object';
  return null;
}

/** Status-level problems: any 5xx but a 503 that says when to retry. */
export function statusProblem(response: FuzzResponse): string | null {
  if (response.statusCode < 500) return null;
  if (response.statusCode === 503 && response.headers['retry-after'] !== undefined) return null;
  return `status ${response.statusCode}`;
}
