/**
 * The words for where a rollout stands (CONTRACT §2 `rollout`), shared by the live
 * progress lines, the progress bar and the one-line answers of `ferry promote|pause|
 * resume|abort`, so all of them describe a step or a pause the same way. Pure.
 *
 *   stepText({step: 1, steps: 2, …})                 → "step 1/2"
 *   pauseText({kind: 'until_promoted', until: null})  → "paused until promoted"
 *   continueHint('dep-1', {kind: 'user', until: null}) → 'paused: run "ferry resume dep-1" to continue'
 */
import type { RolloutPause, RolloutSnapshot } from './operation-snapshot.js';

/** "step S/N" during a canary; null for other strategies and for servers that send no rollout. */
export function stepText(rollout: RolloutSnapshot | null | undefined): string | null {
  if (rollout === null || rollout === undefined) return null;
  if (rollout.step === null || rollout.step === undefined || !(rollout.steps > 0)) return null;
  return `step ${rollout.step}/${rollout.steps}`;
}

/** What the rollout waits for, as a phrase that follows a step: "step 1/2 paused until promoted". */
export function pauseText(pause: RolloutPause): string {
  switch (pause.kind) {
    case 'until_promoted':
      return 'paused until promoted';
    case 'user':
      return 'paused by user';
    case 'timed':
      return pause.until === null ? 'paused for a set time' : `paused until ${pause.until}`;
    case 'analysis':
      return 'paused for its analysis';
    case 'inconclusive':
      return 'paused: analysis inconclusive';
    default:
      // A pause kind this CLI does not know yet still reads as a pause.
      return `paused (${String((pause as { kind: unknown }).kind)})`;
  }
}

/**
 * Like pauseText, but a timed pause counts down from `nowMs`, for the redrawn bar:
 *   until 12:00:30Z, now 12:00:05Z → "paused, 25 s left"
 * A pause whose end has passed (the server has not moved on yet) shows "0 s left".
 */
export function pauseCountdown(pause: RolloutPause, nowMs: number): string {
  const until = pause.kind === 'timed' && pause.until !== null ? Date.parse(pause.until) : Number.NaN;
  if (Number.isNaN(until)) return pauseText(pause);
  return `paused, ${Math.max(0, Math.ceil((until - nowMs) / 1000))} s left`;
}

/**
 * The line that tells a person waiting on a paused deployment what continues it:
 * `promote` ends a step's pause, `resume` a pause asked for with `ferry pause`
 * (CONTRACT §2). Without a known pause (an older server) it names both.
 */
export function continueHint(deployId: string, pause: RolloutPause | null | undefined): string {
  const promote = `"ferry promote ${deployId}"`;
  switch (pause?.kind) {
    case 'until_promoted':
      return `paused: run ${promote} to continue`;
    case 'timed':
      return `paused: continues on its own${pause.until === null ? '' : ` at ${pause.until}`}; run ${promote} to continue now`;
    case 'user':
      return `paused: run "ferry resume ${deployId}" to continue`;
    case 'analysis':
      return `paused: continues on its own once its analysis passes; run ${promote} to continue now`;
    case 'inconclusive':
      return `paused: the analysis could not decide; run ${promote} to continue or "ferry abort ${deployId}" to roll back`;
    default:
      return `paused: ${promote} continues a canary step, "ferry resume ${deployId}" a deployment paused by hand`;
  }
}
