/**
 * `DELETE /api/v1/instances/{id}/pin` as a pure decision: a pinned instance returns to the
 * service's desired version. The pin is cleared and, when the instance was meant to run
 * another version, its goal becomes the desired version under a new generation: the same
 * path an instance added to a running service takes, so the agent installs it and drift
 * handling leaves it alone until that goal is achieved.
 *   pinned 0.9, desired 1.0, goal 0.9        → pin cleared, goal 1.0 (generation + 1)
 *   pinned 1.0, desired 1.0                  → pin cleared, goal unchanged
 *   not pinned                               → nothing to do (idempotent)
 *   an operation holds the service lock      → 409 service_locked (it may be moving this instance)
 *   isolated by drift handling               → 422 instance_isolated (release it first)
 */
import { lockRefusal } from '../operations/build-operation.js';
import { refuse, type Decision } from '../result.js';
import type { Instance, InstanceGoal, Operation } from '../types.js';

export interface UnpinRequest {
  instance: Instance;
  desiredVersion: string | null;
  /** The service's active operation, if any: the holder of its lock. */
  activeOperation: Operation | undefined;
}

export interface UnpinPlan {
  /** The pin cleared; null when the instance was not pinned and nothing changes. */
  clearedPin: string | null;
  /** The new goal, when the instance must change version; null otherwise. */
  goal: InstanceGoal | null;
}

export function planUnpin(req: UnpinRequest): Decision<UnpinPlan> {
  const { instance } = req;
  const id = instance.instance_id;
  if (req.activeOperation !== undefined) return lockRefusal(req.activeOperation);
  if (instance.isolation !== null) {
    return refuse('unprocessable', 'instance_isolated', `instance ${id} is ${instance.isolation.status} by drift handling; return it with POST /api/v1/instances/${id}/release first`, { instance_id: id });
  }
  if (instance.pinned_version === null) return { ok: true, clearedPin: null, goal: null };
  const desired = req.desiredVersion;
  const moves = desired !== null && (instance.goal.version !== desired || instance.goal.action !== 'run');
  const goal: InstanceGoal | null = moves ? { version: desired, generation: instance.goal.generation + 1, action: 'run', timeout_s: instance.goal.timeout_s } : null;
  return { ok: true, clearedPin: instance.pinned_version, goal };
}
