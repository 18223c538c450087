/**
 * What an operator may do to a running deployment: pause, resume, promote, abort
 * (CONTRACT §2 Deployments). Each is a pure decision over the stored operation that
 * returns the change to write and the audit event type, or a refusal with its code.
 * The reconcile loop then carries the change out (`plan-operation.ts`).
 *
 *   running           --pause-->   paused (user)
 *   paused (user)     --resume-->  running
 *   paused (step)     --promote--> running, next canary step
 *   any active        --abort-->   changed instances returned, then aborted
 */
import type { ControlEventType } from '../events/operation-event-details.js';
import { refuse, type Decision } from '../result.js';
import type { Operation, OperationControl, OperationStatus, Reason, RolloutState } from '../types.js';
import { isActive } from './status-sets.js';

export type { OperationControl } from '../types.js';

export interface ControlChange {
  status: OperationStatus;
  rollout: RolloutState;
  reason?: Reason;
  /** Audit event type recording the request. */
  event: ControlEventType;
  /** False when the request changes nothing (a repeated abort): nothing is written. */
  changed: boolean;
}

export function controlOperation(op: Operation, control: OperationControl, actor: string, now: number): Decision<{ change: ControlChange }> {
  if (!isActive(op.status)) {
    return refuse('unprocessable', 'deployment_finished', `deployment ${op.id} already ended ${op.status}; there is nothing to ${control}`, { status: op.status });
  }
  if (op.kind === 'rollback') return refuse('unprocessable', 'not_a_deployment', `${op.id} is a rollback; rollbacks cannot be paused, promoted or aborted`);
  const rollout = op.rollout;
  if (rollout.abort !== null) {
    if (control === 'abort') return accepted(op.status, rollout, 'deploy_abort_requested', false);
    return refuse('unprocessable', 'deployment_aborting', `deployment ${op.id} is being aborted`);
  }
  switch (control) {
    case 'pause':
      if (op.status === 'paused') return refuse('unprocessable', 'already_paused', `deployment ${op.id} is already paused (${describePause(op)})`);
      if (op.status !== 'running' && op.status !== 'pending') return refuse('unprocessable', 'not_running', `deployment ${op.id} is ${op.status} and cannot be paused`);
      return accepted('paused', { ...rollout, pause: { kind: 'user', until: null, since: now } }, 'deploy_paused');
    case 'resume':
      if (op.status !== 'paused') return refuse('unprocessable', 'not_paused', `deployment ${op.id} is ${op.status}, not paused`);
      if (rollout.pause?.kind !== 'user') {
        return refuse('unprocessable', 'awaiting_promotion', `deployment ${op.id} is waiting at the end of a canary step; promote it to continue`);
      }
      return accepted('running', { ...rollout, pause: null, progress_at: now }, 'deploy_resumed');
    case 'promote':
      if (op.status !== 'paused' || rollout.pause === null || rollout.pause.kind === 'user') {
        const why = op.status === 'paused' ? 'was paused by an operator; resume it instead' : `is ${op.status}, not waiting at a canary step`;
        return refuse('unprocessable', 'not_awaiting_promotion', `deployment ${op.id} ${why}`);
      }
      return accepted('running', { ...rollout, steps_done: rollout.steps_done + 1, pause: null, progress_at: now }, 'deploy_promoted');
    case 'abort':
      return {
        ok: true,
        change: {
          status: op.status,
          rollout: { ...rollout, abort: { actor, at: now } },
          reason: { code: 'aborted', message: `deployment ${op.id} was aborted by ${actor}` },
          event: 'deploy_abort_requested',
          changed: true,
        },
      };
  }
}

function accepted(status: OperationStatus, rollout: RolloutState, event: ControlEventType, changed = true): Decision<{ change: ControlChange }> {
  return { ok: true, change: { status, rollout, event, changed } };
}

function describePause(op: Operation): string {
  const pause = op.rollout.pause;
  if (pause === null) return 'paused';
  if (pause.kind === 'user') return 'by an operator';
  if (pause.kind === 'until_promoted') return 'until promoted';
  if (pause.kind === 'analysis') return 'until its analysis passes';
  if (pause.kind === 'inconclusive') return 'because its analysis could not decide';
  return `until ${new Date(pause.until ?? pause.since).toISOString()}`;
}
