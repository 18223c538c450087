/**
 * Reads what an agent reported about one in-flight target and says whether that
 * attempt succeeded, failed (and why), or is still under way.
 */
import type { Instance, OperationTarget, Reason } from '../types.js';

/**
 * Extra time the server waits beyond the per-instance healthy deadline before calling a
 * target failed itself: the agent's own, more precise reason (and its revert) normally
 * arrives first; this only catches an agent that went silent.
 */
export const SERVER_DEADLINE_SLACK_MS = 15_000;

export type TargetProgress =
  | { state: 'in_progress' }
  | { state: 'succeeded' }
  | { state: 'failed'; reason: Reason; switched: boolean };

export function targetProgress(target: OperationTarget, instance: Instance | undefined, timeoutS: number, now: number): TargetProgress {
  const expected = target.status === 'reverting' ? target.from_version : target.to_version;
  if (instance === undefined || instance.removed_at !== null) {
    return failed('instance_removed', `instance ${target.instance_id} was removed from the service`, false);
  }
  const observed = instance.observed;
  const generation = target.generation ?? Number.POSITIVE_INFINITY;
  if (observed !== null && observed.achieved_generation >= generation) {
    const outcome = observed.outcome;
    if (outcome !== null && outcome.generation === generation && !outcome.ok) {
      return failed(outcome.code ?? 'instance_failed', namingInstance(instance.instance_id, outcome.message ?? `failed on ${expected ?? 'stop'}`), outcome.switched);
    }
    if (expected === null || observed.version === expected) return { state: 'succeeded' };
    if (observed.version !== null) {
      return failed('version_mismatch', `instance ${instance.instance_id} answered version ${observed.version}, expected ${expected}`, true);
    }
    // The agent finished the goal but no probe has answered a version since (one probe
    // can time out on a loaded host): wait for a later report, within the deadline below.
  }
  const startedAt = target.started_at ?? now;
  if (now - startedAt > timeoutS * 1000 + SERVER_DEADLINE_SLACK_MS) {
    return failed(
      'healthy_deadline_exceeded',
      `instance ${instance.instance_id} did not report healthy on ${expected ?? 'stop'} within ${timeoutS} s`,
      true,
    );
  }
  return { state: 'in_progress' };
}

/**
 * During its health gate a target must stay ready on its version: a crash, a failed
 * health probe or another version answering fails it (Nomad's min_healthy_time).
 */
export function stillHealthy(target: OperationTarget, instance: Instance | undefined): boolean {
  if (target.to_version === null) return true;
  if (instance === undefined || instance.removed_at !== null || instance.observed === null) return false;
  if (instance.observed.achieved_generation < (target.generation ?? 0)) return true; // a newer goal is being worked on
  return instance.observed.status === 'ready' && instance.observed.version === target.to_version;
}

function failed(code: string, message: string, switched: boolean): TargetProgress {
  return { state: 'failed', reason: { code, message }, switched };
}

/** A reason must say which instance and what it did; agents' messages may omit the first. */
function namingInstance(instanceId: string, message: string): string {
  return message.includes(instanceId) ? message : `instance ${instanceId}: ${message}`;
}
