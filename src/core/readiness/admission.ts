/**
 * Admission (CONTRACT §4): whether a release may become the whole fleet's version, judged
 * from its evidence alone. Pure: the evidence, the service's readiness spec and `now` come
 * in, a verdict with the reasons for it comes out; nothing is read or written here.
 *
 * Worked example: required [quality, security], records quality ✓ (id 1), quality ✗ (id 3),
 * no security, replay ✓ fresh → failed [quality], missing [security], replay_passed true,
 * not admitted: the newest quality record (id 3) is the one that counts.
 */
import { BUILTIN_CHECKS, FERRY_SOURCE, type Evidence } from './evidence.js';

/** The newest record of one check, as an evaluation reports it. */
export interface CheckStanding {
  passed: boolean;
  /** When that record was written (epoch ms). */
  at: number;
  source: string;
  summary: string | null;
  url: string | null;
  /** False when the record is older than `max_age_s`: it then counts as missing. */
  fresh: boolean;
}

export interface AdmissionInput {
  /** Every record of one release, in any order: "newest" is decided by id. */
  evidence: readonly Evidence[];
  /** The service's `readiness.required`; undefined or null = all eight built-in checks. */
  required?: readonly string[] | null;
  /** The service's `readiness.max_age_s`; undefined or null = records never go stale. */
  maxAgeS?: number | null;
  now: number;
}

export interface Admission {
  admitted: boolean;
  /** Required checks whose newest fresh record failed, in check order. */
  failed_checks: string[];
  /** Required checks with no record, or only a stale one, in check order. */
  missing_checks: string[];
  /** The newest record of every check that has one, required or not. */
  checks: Record<string, CheckStanding>;
  /**
   * The newest `replay` record Ferry wrote (source `ferry`) passed and is fresh. Holds the
   * release whether or not `required` names replay.
   */
  replay_passed: boolean;
}

/**
 * Admitted only when every required check's newest record passed and is fresh, **and** the
 * newest replay record passed and is fresh (CONTRACT §4, word for word): replay always holds
 * the release. `required` only decides whether replay is also *named* in failed/missing;
 * when it is not named, `replay_passed: false` alone is the reason (the refusal message says
 * "replay has not passed").
 */
export function evaluateAdmission(input: AdmissionInput): Admission {
  const newest = newestByCheck(input.evidence.filter(countsForAdmission));
  const checks: Record<string, CheckStanding> = {};
  for (const name of inCheckOrder([...newest.keys()])) checks[name] = standingOf(newest.get(name)!, input.maxAgeS ?? null, input.now);
  const failed: string[] = [];
  const missing: string[] = [];
  for (const name of inCheckOrder([...new Set(input.required ?? BUILTIN_CHECKS)])) {
    const standing = checks[name];
    if (standing === undefined || !standing.fresh) missing.push(name);
    else if (!standing.passed) failed.push(name);
  }
  const replay = checks.replay;
  const replayPassed = replay !== undefined && replay.fresh && replay.passed;
  const admitted = failed.length === 0 && missing.length === 0 && replayPassed;
  return { admitted, failed_checks: failed, missing_checks: missing, checks, replay_passed: replayPassed };
}

/**
 * Check names in the order people read them: the eight built-in ones in BUILTIN_CHECKS
 * order, then custom `x-` checks alphabetically.
 *   inCheckOrder(['x-b', 'replay', 'quality', 'x-a']) → ['quality', 'replay', 'x-a', 'x-b']
 */
export function inCheckOrder(names: readonly string[]): string[] {
  const rank = (name: string) => {
    const i = (BUILTIN_CHECKS as readonly string[]).indexOf(name);
    return i === -1 ? BUILTIN_CHECKS.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A `replay` record counts only when Ferry's staging replay wrote it. The evidence route
 * refuses a posted replay (`check_reserved`); this holds even for a record stored some
 * other way (an older server, a direct write), so no caller can admit a release that never
 * ran a replay. Such a record is ignored, as if absent: replay is then missing.
 */
function countsForAdmission(record: Evidence): boolean {
  return record.check !== 'replay' || record.source === FERRY_SOURCE;
}

/** The highest-id record of each check: ids only grow, so it is the newest even within one millisecond. */
function newestByCheck(evidence: readonly Evidence[]): Map<string, Evidence> {
  const newest = new Map<string, Evidence>();
  for (const record of evidence) {
    const seen = newest.get(record.check);
    if (seen === undefined || record.id > seen.id) newest.set(record.check, record);
  }
  return newest;
}

function standingOf(record: Evidence, maxAgeS: number | null, now: number): CheckStanding {
  // A record from the future (clock skew between replicas) is fresh, never negative-aged out.
  const fresh = maxAgeS === null || now - record.recorded_at <= maxAgeS * 1000;
  return { passed: record.passed, at: record.recorded_at, source: record.source, summary: record.summary, url: record.url, fresh };
}
