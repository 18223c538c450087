/**
 * The first goal of an instance a service PUT adds. A service that already has a desired
 * version runs it on its new instances at once: the agent deploys it as generation 1. A
 * service with none leaves them with no goal (generation 0) until a deployment gives one.
 * The server applies the plan with the same applier as every other plan; no operation
 * owns these goals.
 *
 *   desired 1.0.0, added [a, b] → goals a: 1.0.0 gen 1, b: 1.0.0 gen 1
 *   desired none,  added [a]    → no goal
 */
import { emptyPlan, type OperationPlan } from '../operations/operation-plan.js';
import { DEFAULT_HEALTHY_DEADLINE_S } from '../operations/strategy.js';
import type { InstanceGoal } from '../types.js';
import type { PlannedInstance } from './plan-service-change.js';

/** What an instance is stored with before any plan gives it a goal: nothing to run. */
export const NO_GOAL: InstanceGoal = { version: null, generation: 0, action: 'run', timeout_s: DEFAULT_HEALTHY_DEADLINE_S };

export function planInitialGoals(added: readonly PlannedInstance[], desiredVersion: string | null): OperationPlan {
  if (desiredVersion === null) return emptyPlan();
  const goal: InstanceGoal = { ...NO_GOAL, version: desiredVersion, generation: 1 };
  return { ...emptyPlan(), goals: added.map(({ instance_id }) => ({ instance_id, goal })) };
}
