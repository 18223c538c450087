/**
 * The one line `ferry promote|pause|resume|abort ID` prints from the deployment the
 * server answers with, so a person sees at once where the rollout now stands. Pure.
 *
 *   promote, running at step 2 of 2, 4 of 8 done → "dep-1 promoted: running, step 2/2, 4/8 done"
 *   pause, still running (it pauses after the batch) → "dep-1 pausing: running, 2/8 done"
 *   pause, already paused                          → "dep-1 paused: paused by user, 2/8 done"
 *   abort, instances still being returned          → "dep-1 aborting: rolling_back, 2/8 done"
 */
import type { OperationSnapshot } from './operation-snapshot.js';
import { pauseText, stepText } from './rollout-phrases.js';

export const CONTROL_ACTIONS = ['promote', 'pause', 'resume', 'abort'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** GET /api/v1/deployments/{id}, which the control routes answer with. */
export interface DeploymentDetail extends OperationSnapshot {
  deploy_id?: string;
}

/**
 * `requestedId` names the deployment when the answer does not. `detail` may be null
 * (a 200 with an empty body): the action was accepted, nothing more is known.
 */
export function controlSummary(action: ControlAction, requestedId: string, detail: DeploymentDetail | null): string {
  const id = detail?.deploy_id ?? requestedId;
  if (detail === null || typeof detail.status !== 'string') return `${id} ${DONE[action]}`;
  const pause = detail.rollout?.pause ?? null;
  const parts = [
    pause === null ? detail.status : pauseText(pause),
    stepText(detail.rollout),
    detail.progress ? `${detail.progress.completed}/${detail.progress.total} done` : null,
  ];
  return `${id} ${verb(action, detail.status)}: ${parts.filter((part) => part !== null).join(', ')}`;
}

const DONE: Record<ControlAction, string> = { promote: 'promoted', pause: 'paused', resume: 'resumed', abort: 'aborted' };

/**
 * A pause takes effect after the batch in flight, and an abort after the changed
 * instances are returned, so until the status shows it they read as under way.
 */
function verb(action: ControlAction, status: string): string {
  if (action === 'pause' && status !== 'paused') return 'pausing';
  if (action === 'abort' && status !== 'aborted') return 'aborting';
  return DONE[action];
}
