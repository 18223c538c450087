import { describe, expect, it } from 'vitest';
import type { OperationSnapshot, RolloutSnapshot } from './operation-snapshot.js';
import { finalLine, progressLines } from './progress-lines.js';

const dep = { kind: 'deployment' as const, id: 'dep-1' };

function snap(status: string, instances: Array<[string, string, string | null]>, reason: OperationSnapshot['reason'] = null): OperationSnapshot {
  return { status, reason, instances: instances.map(([instance_id, s, version]) => ({ instance_id, status: s, version })) };
}

describe('progressLines', () => {
  it.each<[string, OperationSnapshot | null, OperationSnapshot, string[]]>([
    [
      'first snapshot lists the operation and every instance, ids aligned',
      null,
      snap('running', [['hello-a-7001', 'pending', '1.0'], ['hello-bb-7002', 'pending', null]]),
      ['deployment dep-1  running', '  hello-a-7001   pending  1.0', '  hello-bb-7002  pending  -'],
    ],
    [
      'nothing changed prints nothing',
      snap('running', [['a', 'deploying', '1.0']]),
      snap('running', [['a', 'deploying', '1.0']]),
      [],
    ],
    [
      'an instance status change shows the transition and the version',
      snap('running', [['a', 'deploying', '1.0'], ['b', 'pending', '1.0']]),
      snap('running', [['a', 'succeeded', '2.0'], ['b', 'pending', '1.0']]),
      ['  a  deploying  →  succeeded  2.0'],
    ],
    [
      'a version change alone shows the new version',
      snap('running', [['a', 'deploying', '1.0']]),
      snap('running', [['a', 'deploying', '2.0']]),
      ['  a  deploying  2.0'],
    ],
    [
      'an end follows the instance lines that caused it',
      snap('running', [['a', 'deploying', '1.0']]),
      snap('succeeded', [['a', 'succeeded', '2.0']]),
      ['  a  deploying  →  succeeded  2.0', 'deployment dep-1  running  →  succeeded'],
    ],
    [
      'a new reason is printed once',
      snap('running', [['a', 'deploying', '2.0']]),
      snap('rolling_back', [['a', 'failed', '2.0']], { code: 'health_timeout', message: 'instance a never became healthy' }),
      ['  a  deploying  →  failed  2.0', 'deployment dep-1  running  →  rolling_back', '  reason: instance a never became healthy'],
    ],
    [
      'an unchanged reason is not repeated',
      snap('rolling_back', [['a', 'failed', '2.0']], { code: 'health_timeout', message: 'x' }),
      snap('rolling_back', [['a', 'reverting', '2.0']], { code: 'health_timeout', message: 'x' }),
      ['  a  failed  →  reverting  2.0'],
    ],
    [
      'entering paused tells how to continue',
      snap('running', [['a', 'succeeded', '2.0']]),
      snap('paused', [['a', 'succeeded', '2.0']]),
      [
        'deployment dep-1  running  →  paused',
        '  paused: "ferry promote dep-1" continues a canary step, "ferry resume dep-1" a deployment paused by hand',
      ],
    ],
    ['a snapshot without instances', null, { status: 'pending' }, ['deployment dep-1  pending']],
  ])('%s', (_name, previous, current, expected) => {
    expect(progressLines(dep, previous, current)).toEqual(expected);
  });
});

function canary(status: string, rollout: Partial<RolloutSnapshot>, instances: Array<[string, string, string | null]>): OperationSnapshot {
  return { ...snap(status, instances), rollout: { step: 1, steps: 2, pause: null, batch_size: 1, in_flight: 0, ...rollout } };
}

const untilPromoted = { kind: 'until_promoted' as const, until: null };

describe('progressLines with a rollout', () => {
  it.each<[string, OperationSnapshot | null, OperationSnapshot, string[]]>([
    [
      'the first snapshot of a canary names its step',
      null,
      canary('running', {}, [['a', 'pending', '1.0']]),
      ['deployment dep-1  running', '  step 1/2 started', '  a  pending  1.0'],
    ],
    [
      'a rolling deployment has no step',
      null,
      canary('running', { step: null, steps: 0 }, [['a', 'pending', '1.0']]),
      ['deployment dep-1  running', '  a  pending  1.0'],
    ],
    [
      'instances leaving pending start a batch, listed once',
      canary('running', {}, [['a', 'pending', '1.0'], ['b', 'pending', '1.0'], ['c', 'pending', '1.0']]),
      canary('running', { in_flight: 2 }, [['a', 'deploying', '1.0'], ['b', 'deploying', '1.0'], ['c', 'pending', '1.0']]),
      ['  batch started: a, b', '  a  pending  →  deploying  1.0', '  b  pending  →  deploying  1.0'],
    ],
    [
      'an instance skipped by an abort was never started',
      canary('running', {}, [['a', 'pending', '1.0']]),
      canary('aborted', {}, [['a', 'skipped', '1.0']]),
      ['  a  pending  →  skipped  1.0', 'deployment dep-1  running  →  aborted'],
    ],
    [
      'a step waiting for promotion says so and how to continue',
      canary('running', {}, [['a', 'healthy', '2.0']]),
      canary('paused', { pause: untilPromoted }, [['a', 'succeeded', '2.0']]),
      [
        '  a  healthy  →  succeeded  2.0',
        'deployment dep-1  running  →  paused',
        '  step 1/2 paused until promoted',
        '  paused: run "ferry promote dep-1" to continue',
      ],
    ],
    [
      'a pause that goes on prints nothing more',
      canary('paused', { pause: untilPromoted }, [['a', 'succeeded', '2.0']]),
      canary('paused', { pause: untilPromoted }, [['a', 'succeeded', '2.0']]),
      [],
    ],
    [
      'promotion ends the pause and starts the next step',
      canary('paused', { pause: untilPromoted }, [['a', 'succeeded', '2.0'], ['b', 'pending', '1.0']]),
      canary('running', { step: 2 }, [['a', 'succeeded', '2.0'], ['b', 'deploying', '1.0']]),
      [
        'deployment dep-1  paused  →  running',
        '  step 1/2 pause ended',
        '  step 2/2 started',
        '  batch started: b',
        '  b  pending  →  deploying  1.0',
      ],
    ],
    [
      'a timed pause names its end and that promote skips it',
      canary('running', {}, []),
      canary('paused', { pause: { kind: 'timed', until: '2030-01-01T00:00:30.000Z' } }, []),
      [
        'deployment dep-1  running  →  paused',
        '  step 1/2 paused until 2030-01-01T00:00:30.000Z',
        '  paused: continues on its own at 2030-01-01T00:00:30.000Z; run "ferry promote dep-1" to continue now',
      ],
    ],
    [
      'a pause asked for by a person, in a rolling deployment',
      canary('running', { step: null, steps: 0 }, []),
      canary('paused', { step: null, steps: 0, pause: { kind: 'user', until: null } }, []),
      ['deployment dep-1  running  →  paused', '  paused by user', '  paused: run "ferry resume dep-1" to continue'],
    ],
    [
      'a person pausing a step that waits for promotion changes what continues it',
      canary('paused', { pause: untilPromoted }, []),
      canary('paused', { pause: { kind: 'user', until: null } }, []),
      ['  step 1/2 paused by user', '  paused: run "ferry resume dep-1" to continue'],
    ],
    [
      'a rollout that disappears (older server) is tolerated',
      canary('running', {}, []),
      snap('running', []),
      [],
    ],
  ])('%s', (_name, previous, current, expected) => {
    expect(progressLines(dep, previous, current)).toEqual(expected);
  });
});

function target(status: string, version: string | null, from_version: string | null, to_version: string | null) {
  return { instance_id: 'a', status, version, from_version, to_version };
}

describe('progressLines in causal order and with known versions', () => {
  it.each<[string, OperationSnapshot | null, OperationSnapshot, string[]]>([
    [
      'the batch that finishes is printed before the next batch starts',
      snap('running', [['a', 'healthy', '2.0'], ['b', 'pending', '1.0']]),
      snap('running', [['a', 'succeeded', '2.0'], ['b', 'deploying', '1.0']]),
      ['  a  healthy  →  succeeded  2.0', '  batch started: b', '  b  pending  →  deploying  1.0'],
    ],
    [
      'the last instance succeeds, then the deployment',
      snap('running', [['a', 'succeeded', '2.0'], ['b', 'verifying', '2.0']]),
      snap('succeeded', [['a', 'succeeded', '2.0'], ['b', 'succeeded', '2.0']]),
      ['  b  verifying  →  succeeded  2.0', 'deployment dep-1  running  →  succeeded'],
    ],
    [
      'a resumed deployment says so before its next batch',
      snap('paused', [['a', 'succeeded', '2.0'], ['b', 'pending', '1.0']]),
      snap('running', [['a', 'succeeded', '2.0'], ['b', 'deploying', '1.0']]),
      ['deployment dep-1  paused  →  running', '  batch started: b', '  b  pending  →  deploying  1.0'],
    ],
    [
      'a stopped instance not yet probed shows the version it came from',
      null,
      { status: 'running', instances: [target('deploying', null, '1.0', '2.0')] },
      ['deployment dep-1  running', '  a  deploying  1.0'],
    ],
    [
      'an instance on the target version but not probed since shows the target',
      { status: 'running', instances: [target('deploying', '1.0', '1.0', '2.0')] },
      { status: 'running', instances: [target('healthy', null, '1.0', '2.0')] },
      ['  a  deploying  →  healthy  2.0'],
    ],
    [
      'a probe going quiet on the same version prints nothing',
      { status: 'running', instances: [target('deploying', '1.0', '1.0', '2.0')] },
      { status: 'running', instances: [target('deploying', null, '1.0', '2.0')] },
      [],
    ],
    [
      'a reverted instance shows the version it returned to',
      { status: 'rolling_back', instances: [target('reverting', null, '1.0', '2.0')] },
      { status: 'rolled_back', instances: [target('reverted', null, '1.0', '2.0')] },
      ['  a  reverting  →  reverted  1.0', 'deployment dep-1  rolling_back  →  rolled_back'],
    ],
  ])('%s', (_name, previous, current, expected) => {
    expect(progressLines(dep, previous, current)).toEqual(expected);
  });
});

describe('finalLine', () => {
  it.each<[OperationSnapshot, number, string]>([
    [snap('succeeded', []), 12_345, 'deployment dep-1 succeeded after 12.3 s'],
    [snap('rolled_back', [], { code: 'health_timeout', message: 'instance a never became healthy' }), 40_000, 'deployment dep-1 rolled_back after 40.0 s: instance a never became healthy'],
    [snap('failed', [], { code: 'sha256_mismatch' }), 500, 'deployment dep-1 failed after 0.5 s: sha256_mismatch'],
    [snap('succeeded', [], { code: 'ignored', message: 'a stale note' }), 0, 'deployment dep-1 succeeded after 0.0 s'],
  ])('%s', (snapshot, elapsed, expected) => {
    expect(finalLine(dep, snapshot, elapsed)).toBe(expected);
  });
});
