import { describe, expect, it } from 'vitest';
import { planGoalStep, type GoalStep, type LocalInstance } from './goal-step.js';

const local = (over: Partial<LocalInstance>): LocalInstance => ({
  achievedGeneration: 3,
  linkVersion: 'v1',
  runningVersion: 'v1',
  interruptedSwitch: false,
  ...over,
});

describe('planGoalStep', () => {
  it.each<[string, { version: string | null; generation: number; action: 'run' | 'restart' }, LocalInstance, GoalStep]>([
    ['already achieved', { version: 'v2', generation: 3, action: 'run' }, local({}), { kind: 'none' }],
    ['older than achieved', { version: 'v2', generation: 2, action: 'run' }, local({}), { kind: 'none' }],
    ['no version wanted', { version: null, generation: 4, action: 'run' }, local({}), { kind: 'stop' }],
    ['restart on the same version', { version: 'v1', generation: 4, action: 'restart' }, local({}), { kind: 'switch', why: 'restart' }],
    ['a new version', { version: 'v2', generation: 4, action: 'run' }, local({}), { kind: 'switch', why: 'new_version' }],
    ['first deploy, no link', { version: 'v1', generation: 1, action: 'run' }, local({ achievedGeneration: 0, linkVersion: null, runningVersion: null }), { kind: 'switch', why: 'new_version' }],
    ['on the version, not running', { version: 'v1', generation: 4, action: 'run' }, local({ runningVersion: null }), { kind: 'switch', why: 'not_running' }],
    ['link on the version, another running', { version: 'v2', generation: 4, action: 'run' }, local({ linkVersion: 'v2' }), { kind: 'switch', why: 'not_running' }],
    ['interrupted switch', { version: 'v2', generation: 4, action: 'run' }, local({ linkVersion: 'v2', runningVersion: 'v2', interruptedSwitch: true }), { kind: 'switch', why: 'interrupted' }],
    ['on the version and running', { version: 'v1', generation: 4, action: 'run' }, local({}), { kind: 'probe' }],
  ])('%s', (_label, goal, here, step) => {
    expect(planGoalStep(goal, here)).toEqual(step);
  });
});
