import { describe, expect, it } from 'vitest';
import { finalLine, progressLines, type OperationSnapshot } from './progress-lines.js';

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
      'the operation status change comes first',
      snap('running', [['a', 'deploying', '1.0']]),
      snap('succeeded', [['a', 'succeeded', '2.0']]),
      ['deployment dep-1  running  →  succeeded', '  a  deploying  →  succeeded  2.0'],
    ],
    [
      'a new reason is printed once',
      snap('running', [['a', 'deploying', '2.0']]),
      snap('rolling_back', [['a', 'failed', '2.0']], { code: 'health_timeout', message: 'instance a never became healthy' }),
      ['deployment dep-1  running  →  rolling_back', '  a  deploying  →  failed  2.0', '  reason: instance a never became healthy'],
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
