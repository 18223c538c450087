import { describe, expect, it } from 'vitest';
import { makeInstance, makeTarget, T0 } from '../../testing/builders.js';
import { SERVER_DEADLINE_SLACK_MS, targetProgress } from './target-progress.js';

describe('targetProgress', () => {
  const target = makeTarget('i1', '1.0.0', '2.0.0', { status: 'deploying', generation: 2, started_at: T0 });
  const reported = (version: string | null) =>
    makeInstance('i1', '1.0.0', {
      goal: { version: '2.0.0', generation: 2, action: 'run', timeout_s: 30 },
      observed: { status: 'ready', version, pid: 7, achieved_generation: 2, at: T0, outcome: { generation: 2, ok: true, code: null, message: null, switched: true } },
    });

  it.each<[string, string | null, number, string]>([
    ['goal done, probe answered the version → succeeded', '2.0.0', T0 + 1000, 'succeeded'],
    ['goal done, probe answered another version → failed', '1.9.0', T0 + 1000, 'failed'],
    ['goal done, no version answered yet → still in progress', null, T0 + 1000, 'in_progress'],
    ['goal done, no version answered past the deadline → failed', null, T0 + 30_000 + SERVER_DEADLINE_SLACK_MS + 1, 'failed'],
  ])('%s', (_name, version, now, state) => {
    expect(targetProgress(target, reported(version), 30, now).state).toBe(state);
  });
});
