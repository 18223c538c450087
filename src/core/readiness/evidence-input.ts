/**
 * What a caller may post as evidence (CONTRACT §4), checked before anything is stored:
 * a known check name that is not Ferry's alone to write (`replay`), bounded text, an
 * http(s) link, a bounded JSON `details`, and a source that is not Ferry's own. Pure, so
 * the route and its tests share one judgement.
 */
import type { Check } from '../result.js';
import { FERRY_SOURCE, isCheckName } from './evidence.js';

/**
 * Checks only Ferry writes: a caller who could post `replay` would admit a release that
 * never ran a staging replay. `rollout` and `rollback` stay postable: CI posts them (a
 * rollback rehearsal) until Ferry writes its own drills.
 */
export const RESERVED_CHECKS: readonly string[] = ['replay'];

export const MAX_SUMMARY_CHARS = 2000;
export const MAX_URL_CHARS = 2048;
/** `details` as JSON text, in UTF-8 bytes. */
export const MAX_DETAILS_BYTES = 64 * 1024;
/** What a record's source is called when the caller names none. */
export const DEFAULT_EVIDENCE_SOURCE = 'ci';

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface EvidenceInput {
  check: string;
  passed: boolean;
  summary?: string | null;
  url?: string | null;
  details?: Record<string, unknown> | null;
  source?: string;
}

/** The first thing wrong with `input`, with a stable reason, or ok. */
export function checkEvidenceInput(input: EvidenceInput): Check {
  if (!isCheckName(input.check)) {
    return fail('unknown_check', `check "${input.check.slice(0, 64)}" is not one of quality, performance, security, cost, rollout, rollback, ops, replay, nor a custom check named x-<name>`);
  }
  if (RESERVED_CHECKS.includes(input.check)) {
    return fail('check_reserved', `${input.check} evidence is written by Ferry's staging replay: run ferry replay S V`);
  }
  if (input.summary != null && input.summary.length > MAX_SUMMARY_CHARS) {
    return fail('summary_too_long', `summary is ${input.summary.length} characters long; at most ${MAX_SUMMARY_CHARS} are accepted`);
  }
  if (input.url != null) {
    const url = checkEvidenceUrl(input.url);
    if (!url.ok) return url;
  }
  if (input.details != null) {
    const bytes = new TextEncoder().encode(JSON.stringify(input.details)).length;
    if (bytes > MAX_DETAILS_BYTES) return fail('details_too_large', `details is ${bytes} bytes of JSON; at most ${MAX_DETAILS_BYTES} are accepted`);
  }
  return checkSource(input.source);
}

function checkEvidenceUrl(url: string): Check {
  if (url.length > MAX_URL_CHARS) return fail('invalid_evidence_url', `url is ${url.length} characters long; at most ${MAX_URL_CHARS} are accepted`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('invalid_evidence_url', 'url is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return fail('invalid_evidence_url', `url must be http or https, not ${parsed.protocol.replace(':', '')}`);
  if (parsed.username !== '' || parsed.password !== '') return fail('credentials_in_url', 'url must not carry a user name or password');
  return { ok: true };
}

/** `ferry` is Ferry's own: a record claiming it must come from a canary or a replay, never from a caller. */
function checkSource(source: string | undefined): Check {
  if (source === undefined) return { ok: true };
  if (source === FERRY_SOURCE) return fail('source_reserved', 'source "ferry" is reserved for evidence Ferry writes itself (canary rollouts, replays)');
  if (!SOURCE_NAME.test(source)) return fail('invalid_source', 'source must be a short lower-case name such as ci, github-actions or jenkins');
  return { ok: true };
}

function fail(reason: string, message: string): Check {
  return { ok: false, reason, message };
}
