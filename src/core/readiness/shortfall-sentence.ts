/**
 * The words for why a release is not admitted, in one place: the readiness gate's 422
 * `not_admitted`, a promotion's `not_admitted` reason and `ferry preflight` all say it
 * the same way, so a person reading one learns to read the others.
 */

/** What a shortfall says: the required checks that failed or are missing, and the replay. */
export interface ShortfallFacts {
  failed_checks: readonly string[];
  missing_checks: readonly string[];
  /** Replay holds a release even when `required` leaves it out (CONTRACT §4); undefined = not known. */
  replay_passed?: boolean;
}

/**
 * The reasons, most definite first, joined by "; ":
 *   failed [security], missing [cost, ops], replay not passed → "failed security; missing cost, ops; replay has not passed"
 *   missing [replay], replay not passed                        → "missing replay" (already named: not said twice)
 *   nothing failed or missing, replay not passed               → "replay has not passed"
 */
export function shortfallSentence(shortfall: ShortfallFacts): string {
  const parts: string[] = [];
  if (shortfall.failed_checks.length > 0) parts.push(`failed ${shortfall.failed_checks.join(', ')}`);
  if (shortfall.missing_checks.length > 0) parts.push(`missing ${shortfall.missing_checks.join(', ')}`);
  const replayNamed = shortfall.failed_checks.includes('replay') || shortfall.missing_checks.includes('replay');
  if (shortfall.replay_passed === false && !replayNamed) parts.push('replay has not passed');
  return parts.join('; ');
}
