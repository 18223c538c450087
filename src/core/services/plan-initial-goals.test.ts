import { describe, expect, it } from 'vitest';
import { isEmptyPlan } from '../operations/operation-plan.js';
import { DEFAULT_HEALTHY_DEADLINE_S } from '../operations/strategy.js';
import { NO_GOAL, planInitialGoals } from './plan-initial-goals.js';

const added = [
  { instance_id: 'web-a-1', host: 'a', port: 1 },
  { instance_id: 'web-b-1', host: 'b', port: 1 },
];

describe('planInitialGoals', () => {
  it('a service with a desired version runs it on every added instance as generation 1, and nothing else', () => {
    const plan = planInitialGoals(added, '1.0.0');
    const goal = { version: '1.0.0', generation: 1, action: 'run', timeout_s: DEFAULT_HEALTHY_DEADLINE_S };
    expect(plan.goals).toEqual([
      { instance_id: 'web-a-1', goal },
      { instance_id: 'web-b-1', goal },
    ]);
    expect({ ...plan, goals: [] }).toSatisfy(isEmptyPlan);
  });

  it('a service with no desired version gives no goal: the instance keeps NO_GOAL (generation 0)', () => {
    expect(isEmptyPlan(planInitialGoals(added, null))).toBe(true);
    expect(NO_GOAL).toEqual({ version: null, generation: 0, action: 'run', timeout_s: DEFAULT_HEALTHY_DEADLINE_S });
  });

  it('no instance added, no goal', () => {
    expect(isEmptyPlan(planInitialGoals([], '1.0.0'))).toBe(true);
  });
});
