/**
 * The one decision of goal execution, as a pure function: given a goal and what is on
 * the host, what must happen? Keeping it pure makes the rules readable as a table.
 */
import type { InstanceAssignment } from '../core/agent-protocol.js';

export type GoalStep =
  /** The generation is already achieved (possibly before an agent restart): nothing to do. */
  | { kind: 'none' }
  /** No version wanted: stop the process if any. */
  | { kind: 'stop' }
  /** Install if needed, stop the old process, swap `current`, start and probe. */
  | { kind: 'switch'; why: 'restart' | 'new_version' | 'not_running' | 'interrupted' }
  /** Already on that version and running: probe it only. */
  | { kind: 'probe' };

export interface LocalInstance {
  achievedGeneration: number;
  /** Where `current` points; null when there is no link. */
  linkVersion: string | null;
  /** Release the running process was started from; null when none runs. */
  runningVersion: string | null;
  /** A switch for this very generation began before an agent restart and never finished. */
  interruptedSwitch: boolean;
}

/**
 *   gen 3 achieved 3                              -> none
 *   gen 4, version null                           -> stop
 *   gen 4, restart                                -> switch (restart), same version, new pid
 *   gen 4, run v2, current -> v1                  -> switch (new_version)
 *   gen 4, run v2, current -> v2, not running     -> switch (not_running)
 *   gen 4, run v2, current -> v2, running v1      -> switch (not_running): v2 is not what runs
 *   gen 4, switch of gen 4 interrupted            -> switch (interrupted), so a failure still returns
 *   gen 4, run v2, current -> v2, running v2      -> probe
 */
export function planGoalStep(goal: Pick<InstanceAssignment, 'version' | 'generation' | 'action'>, local: LocalInstance): GoalStep {
  if (goal.generation <= local.achievedGeneration) return { kind: 'none' };
  if (goal.version === null) return { kind: 'stop' };
  if (goal.action === 'restart') return { kind: 'switch', why: 'restart' };
  if (local.interruptedSwitch) return { kind: 'switch', why: 'interrupted' };
  if (local.linkVersion !== goal.version) return { kind: 'switch', why: 'new_version' };
  if (local.runningVersion !== goal.version) return { kind: 'switch', why: 'not_running' };
  return { kind: 'probe' };
}
