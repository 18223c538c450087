/**
 * A replay file (CONTRACT §4 "Staging replay") is JSONL: one recorded request
 * `{method, path, headers?, body?}` per line, blank lines skipped. Parsing is pure and
 * bounded, and a bad line is an answer naming its line number, not an exception, so the
 * service `PUT` can refuse it with 400 `bad_replay_file` and the replay run can fail with
 * the same sentence.
 */
import type { ReplayRequest } from '../types.js';

/** Limits on what one replay may hold; the server refuses anything past them. */
export const REPLAY_LIMITS = {
  maxRequests: 10_000,
  maxFileBytes: 10 * 1024 * 1024,
  maxPathChars: 4096,
  maxHeaders: 64,
  maxHeaderChars: 8192,
  maxBodyBytes: 1024 * 1024,
} as const;

export type ReplayFileResult = { ok: true; requests: ReplayRequest[] } | { ok: false; line: number | null; message: string };

const METHOD = /^[A-Z]{1,16}$/;

/**
 * Parses `text` as a replay file.
 *
 *   '{"method":"GET","path":"/a"}\n\n{"method":"GET","path":"/b"}' -> ok, 2 requests
 *   '{"method":"GET"}'                                            -> line 1: "path" missing
 */
export function parseReplayFile(text: string): ReplayFileResult {
  if (Buffer.byteLength(text, 'utf8') > REPLAY_LIMITS.maxFileBytes) {
    return { ok: false, line: null, message: `the replay file is larger than ${REPLAY_LIMITS.maxFileBytes} bytes` };
  }
  const requests: ReplayRequest[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, line: i + 1, message: `line ${i + 1} is not JSON` };
    }
    const checked = checkReplayRequest(value);
    if (!checked.ok) return { ok: false, line: i + 1, message: `line ${i + 1}: ${checked.message}` };
    if (requests.length >= REPLAY_LIMITS.maxRequests) {
      return { ok: false, line: i + 1, message: `line ${i + 1}: more than ${REPLAY_LIMITS.maxRequests} requests` };
    }
    requests.push(checked.request);
  }
  if (requests.length === 0) return { ok: false, line: null, message: 'the replay file holds no request' };
  return { ok: true, requests };
}

/** Checks one recorded request (from a file line or an inline spec) against the limits. */
export function checkReplayRequest(value: unknown): { ok: true; request: ReplayRequest } | { ok: false; message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'a request must be a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.method !== 'string' || !METHOD.test(v.method)) return { ok: false, message: '"method" must be an upper-case HTTP method' };
  if (typeof v.path !== 'string' || !v.path.startsWith('/') || v.path.length > REPLAY_LIMITS.maxPathChars) {
    return { ok: false, message: `"path" must start with / and hold at most ${REPLAY_LIMITS.maxPathChars} characters` };
  }
  const request: ReplayRequest = { method: v.method, path: v.path };
  if (v.headers !== undefined) {
    const headers = checkHeaders(v.headers);
    if (typeof headers === 'string') return { ok: false, message: headers };
    request.headers = headers;
  }
  if (v.body !== undefined) {
    const size = Buffer.byteLength(typeof v.body === 'string' ? v.body : JSON.stringify(v.body), 'utf8');
    if (size > REPLAY_LIMITS.maxBodyBytes) return { ok: false, message: `"body" is larger than ${REPLAY_LIMITS.maxBodyBytes} bytes` };
    request.body = v.body;
  }
  return { ok: true, request };
}

function checkHeaders(value: unknown): Record<string, string> | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '"headers" must be an object of strings';
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > REPLAY_LIMITS.maxHeaders) return `more than ${REPLAY_LIMITS.maxHeaders} headers`;
  const headers: Record<string, string> = {};
  for (const [name, v] of entries) {
    if (typeof v !== 'string' || v.length > REPLAY_LIMITS.maxHeaderChars || name.length > 256) return `header "${name.slice(0, 64)}" must be a string of at most ${REPLAY_LIMITS.maxHeaderChars} characters`;
    headers[name] = v;
  }
  return headers;
}
