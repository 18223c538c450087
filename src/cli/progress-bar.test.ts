import { describe, expect, it } from 'vitest';
import type { OperationSnapshot } from './operation-snapshot.js';
import { barCells, progressBar } from './progress-bar.js';

const NOW = Date.parse('2030-01-01T12:00:00.000Z');
const progress = (completed: number, total: number, failed = 0) => ({ total, completed, failed, pending: total - completed - failed });
const rollout = (over: Partial<NonNullable<OperationSnapshot['rollout']>> = {}) => ({ step: null, steps: 0, pause: null, batch_size: 2, in_flight: 0, ...over });

describe('progressBar', () => {
  it.each<[string, OperationSnapshot, string]>([
    [
      'a canary step waiting for promotion',
      { status: 'paused', progress: progress(4, 8), rollout: rollout({ step: 1, steps: 2, pause: { kind: 'until_promoted', until: null } }) },
      '[##########----------] 4/8  step 1/2  paused until promoted',
    ],
    [
      'a rolling batch in flight with a failure',
      { status: 'running', progress: progress(2, 8, 1), rollout: rollout({ in_flight: 2 }) },
      '[#####---------------] 2/8  running  2 in flight  1 failed',
    ],
    [
      'a timed pause counts down',
      { status: 'paused', progress: progress(1, 4), rollout: rollout({ step: 1, steps: 1, pause: { kind: 'timed', until: '2030-01-01T12:00:42.100Z' } }) },
      '[#####---------------] 1/4  step 1/1  paused, 43 s left',
    ],
    [
      'a pause asked for by a person',
      { status: 'paused', progress: progress(3, 6), rollout: rollout({ pause: { kind: 'user', until: null } }) },
      '[##########----------] 3/6  paused by user',
    ],
    [
      'no rollout (older server): in flight counted from instance statuses',
      {
        status: 'running',
        progress: progress(1, 4),
        instances: [
          { instance_id: 'a', status: 'succeeded', version: '2' },
          { instance_id: 'b', status: 'deploying', version: '1' },
          { instance_id: 'c', status: 'healthy', version: '2' },
          { instance_id: 'd', status: 'pending', version: '1' },
        ],
      },
      '[#####---------------] 1/4  running  2 in flight',
    ],
    [
      'a rollback has no progress: counted from its instances',
      {
        status: 'running',
        instances: [
          { instance_id: 'a', status: 'succeeded', version: '1' },
          { instance_id: 'b', status: 'failed', version: '2' },
        ],
      },
      '[##########----------] 1/2  running  1 failed',
    ],
    ['nothing known yet', { status: 'pending' }, '[--------------------] 0/0  pending'],
    ['done', { status: 'succeeded', progress: progress(8, 8), rollout: rollout() }, '[####################] 8/8  succeeded'],
  ])('%s', (_name, snapshot, expected) => {
    expect(progressBar(snapshot, NOW)).toBe(expected);
  });
});

describe('barCells', () => {
  it.each<[number, number, number]>([
    [0, 8, 0],
    [4, 8, 10],
    [7, 8, 17],
    [8, 8, 20],
    [1, 3, 6],
    [0, 0, 0],
    [9, 8, 20],
    [-1, 8, 0],
  ])('%i of %i → %i cells', (completed, total, filled) => {
    const bar = barCells(completed, total);
    expect(bar).toHaveLength(22);
    expect(bar.split('#').length - 1).toBe(filled);
  });
});
