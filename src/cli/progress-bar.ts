/**
 * The one-line progress bar `--wait` redraws on a terminal: how many instances are
 * done, the canary step, what the rollout is doing or waiting for, and what is in
 * flight. Pure, a function of the snapshot and `now` (for a timed pause's countdown).
 *
 *   8 instances, 4 done, step 1 of 2 waiting for promotion:
 *     [##########----------] 4/8  step 1/2  paused until promoted
 *   rolling in batches of 2, 2 done, 1 failed, 2 being changed:
 *     [#####---------------] 2/8  running  2 in flight  1 failed
 */
import { isInFlight } from '../core/operations/status-sets.js';
import type { TargetStatus } from '../core/types.js';
import type { OperationSnapshot, ProgressCounts } from './operation-snapshot.js';
import { pauseCountdown, stepText } from './rollout-phrases.js';

export const BAR_WIDTH = 20;


export function progressBar(snapshot: OperationSnapshot, nowMs: number): string {
  const counts = progressCounts(snapshot);
  const pause = snapshot.rollout?.pause ?? null;
  const inFlight = snapshot.rollout?.in_flight ?? (snapshot.instances ?? []).filter((i) => isInFlight(i.status as TargetStatus)).length;
  const parts = [
    `${barCells(counts.completed, counts.total)} ${counts.completed}/${counts.total}`,
    stepText(snapshot.rollout),
    pause === null ? snapshot.status : pauseCountdown(pause, nowMs),
    inFlight > 0 ? `${inFlight} in flight` : null,
    counts.failed > 0 ? `${counts.failed} failed` : null,
  ];
  return parts.filter((part) => part !== null).join('  ');
}

/**
 * `#` for each completed share, rounded down so the bar is only full when all are done:
 *   4 of 8 → 10 of 20 cells; 7 of 8 → 17; 0 of 0 → none.
 */
export function barCells(completed: number, total: number): string {
  const filled = total > 0 ? Math.min(BAR_WIDTH, Math.floor((Math.max(0, completed) / total) * BAR_WIDTH)) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

/** The deployment's own counts; a rollback has none, so they are counted from its instances. */
function progressCounts(snapshot: OperationSnapshot): ProgressCounts {
  if (snapshot.progress !== undefined && snapshot.progress !== null) return snapshot.progress;
  const instances = snapshot.instances ?? [];
  const count = (status: string) => instances.filter((i) => i.status === status).length;
  const completed = count('succeeded');
  const failed = count('failed');
  return { total: instances.length, completed, failed, pending: instances.length - completed - failed };
}
