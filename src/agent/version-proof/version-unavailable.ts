/**
 * Fail fast on a version endpoint that is not there (issue 14): a healthy instance whose
 * version path keeps answering without a version (404, non-JSON, no field) will not start
 * answering one, so its start fails within seconds with `version_unavailable` instead of
 * at the end of the health deadline. Pure: the caller passes its clock's readings.
 *
 * Persistent means UNAVAILABLE_MIN_ANSWERS answers in a row spanning UNAVAILABLE_MIN_MS:
 * the count keeps one stray answer from failing a start, the span keeps a fast poll from
 * deciding in 100 ms. Anything else in between (no answer, a proven version) starts over.
 */
export const UNAVAILABLE_MIN_ANSWERS = 5;
export const UNAVAILABLE_MIN_MS = 1000;

export interface UnavailableStreak {
  answers: number;
  since: number;
  /** The latest answer, quoted in the failure. */
  why: string;
}

/** The streak after one more answer without a version at `now`. */
export function extendStreak(streak: UnavailableStreak | null, why: string, now: number): UnavailableStreak {
  return streak === null ? { answers: 1, since: now, why } : { answers: streak.answers + 1, since: streak.since, why };
}

/**
 *   5 answers over 1.2 s → true;  5 answers over 0.3 s → false;  4 answers over 3 s → false
 */
export function isPersistent(streak: UnavailableStreak | null, now: number): boolean {
  return streak !== null && streak.answers >= UNAVAILABLE_MIN_ANSWERS && now - streak.since >= UNAVAILABLE_MIN_MS;
}

/** The failure's message: what the instance answered, and the check a service without a version endpoint can use. */
export function unavailableMessage(instanceId: string, streak: UnavailableStreak, expectedVersion: string): string {
  return (
    `instance ${instanceId} is healthy but ${streak.why} (${streak.answers} times in a row), expected version ${expectedVersion}; ` +
    'a service without a version endpoint can use "version_check": {"type": "process"}'
  );
}
