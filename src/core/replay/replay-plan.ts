/**
 * Which kind of release replay to run (CONTRACT §4 "Staging replay"), decided before
 * anything is written:
 *
 * - `compare`: the service has a desired version with at least one ready instance; the
 *   candidate is compared with (up to) two of them, noise filtered (compare-answers.ts).
 * - `no_baseline`: the service has no desired version yet (its first release). There is
 *   nothing to compare with, so the candidate alone is judged: every request must be
 *   answered below 500 (no-baseline-verdict.ts). Without this a first release could never
 *   pass its replay, so it could never be admitted, so with readiness enforced a new
 *   service could never get its first whole-service deployment.
 * - refused `replay_needs_stable`: a desired version exists but none of its instances is
 *   ready. The fleet runs something; judging the candidate alone would skip the
 *   comparison the service is entitled to, so the replay waits until one is ready.
 *
 *   desired null, 0 ready -> no_baseline
 *   desired v1,   2 ready -> compare against v1
 *   desired v1,   0 ready -> refused replay_needs_stable
 */

export type ReplayPlan =
  | { kind: 'compare'; baseline_version: string }
  | { kind: 'no_baseline'; baseline_version: null }
  | { kind: 'refused'; code: 'replay_needs_stable'; message: string };

export interface ReplayPlanInput {
  service: string;
  /** The service's desired version, null before its first whole-service deployment. */
  desired_version: string | null;
  /** How many live instances are ready on the desired version right now. */
  ready_on_desired: number;
}

export function planReleaseReplay(input: ReplayPlanInput): ReplayPlan {
  if (input.desired_version === null) return { kind: 'no_baseline', baseline_version: null };
  if (input.ready_on_desired > 0) return { kind: 'compare', baseline_version: input.desired_version };
  return {
    kind: 'refused',
    code: 'replay_needs_stable',
    message: `service ${input.service} has no ready instance on its desired version ${input.desired_version} to compare with`,
  };
}

/**
 * The kind of a stored run: a release replay recorded without a baseline version was
 * planned `no_baseline` (a rollback replay always names the version it returned to).
 */
export function isNoBaselineReplay(replay: { purpose: string; baseline_version: string | null }): boolean {
  return replay.purpose === 'release' && replay.baseline_version === null;
}

/**
 * Whether a passed run's candidate answers may become the baseline of a later replay
 * after a rollback to that version. A no-baseline run learnt no noise, so its answers
 * would make every timestamp a difference; the rollback replay then compares the
 * returned instances with each other instead.
 */
export function keepsAnswersAsBaseline(replay: { purpose: string; baseline_version: string | null; passed: boolean | null }, answerCount: number, maxAnswers: number): boolean {
  return replay.purpose === 'release' && !isNoBaselineReplay(replay) && replay.passed === true && answerCount <= maxAnswers;
}
