/** Which operation endings hold the instances they returned, and what the replay records. */
import { describe, expect, it } from 'vitest';
import type { OperationStatus } from '../types.js';
import { sampleOperation, sampleService, sampleTarget } from '../../testing/sample-entities.js';
import { decideRollbackHold, instancesReleasedBy } from './rollback-hold.js';

const T = 1_700_000_000_000;
const targets = (changed: boolean[]) => changed.map((c, i) => sampleTarget({ instance_id: `web-${i + 1}`, from_version: '1.0.0', to_version: '2.0.0', changed: c }));

describe('decideRollbackHold', () => {
  it.each([
    ['a rollback that succeeded', 'rollback', 'succeeded', true, ['web-1', 'web-2']],
    ['a deployment rolled back (changed targets only)', 'deploy', 'rolled_back', true, ['web-1']],
    ['a rollback still running', 'rollback', 'running', false, null],
    ['a rollback that failed', 'rollback', 'failed', true, null],
    ['a deployment that succeeded', 'deploy', 'succeeded', true, null],
  ] as const)('%s', (_name, kind, status, completed, held) => {
    const operation = sampleOperation({ id: 'op-1', kind, version: kind === 'rollback' ? '1.0.0' : '2.0.0' });
    const decision = decideRollbackHold({ operation, ending: { status: status as OperationStatus, completed }, targets: targets([true, false]), service: sampleService({ replay_after_rollback: null }), now: T });
    expect(decision?.replay.instances ?? null).toEqual(held);
    if (decision !== null) {
      expect(decision.replay).toMatchObject({ replay_id: 'rp-rb-op-1', purpose: 'rollback', version: '1.0.0', baseline_version: '1.0.0', status: 'running', started_at: T });
      expect(decision.hold).toEqual({ replay_id: 'rp-rb-op-1', failed: false, since: T });
    }
  });

  it.each([
    ['no replay spec', { replay: null }],
    ['replay_after_rollback false', { replay_after_rollback: false }],
  ])('nothing for a service with %s', (_name, over) => {
    const operation = sampleOperation({ kind: 'rollback', version: '1.0.0' });
    expect(decideRollbackHold({ operation, ending: { status: 'succeeded', completed: true }, targets: targets([true]), service: sampleService(over), now: T })).toBeNull();
  });
});

describe('instancesReleasedBy', () => {
  const targets = [sampleTarget({ instance_id: 'web-2', changed: true }), sampleTarget({ instance_id: 'web-1', changed: true }), sampleTarget({ instance_id: 'web-3', changed: false })];
  it.each([
    ['a deployment that succeeded: the instances it changed', 'deploy', 'succeeded', true, ['web-1', 'web-2']],
    ['a deployment rolled back: none', 'deploy', 'rolled_back', true, []],
    ['a deployment still running: none', 'deploy', 'running', false, []],
    ['a restart that succeeded: none (same versions)', 'restart', 'succeeded', true, []],
    ['a rollback that succeeded: none (it holds instead)', 'rollback', 'succeeded', true, []],
  ] as const)('%s', (_name, kind, status, completed, expected) => {
    expect(instancesReleasedBy({ kind }, { status: status as OperationStatus, completed }, targets)).toEqual(expected);
  });
});
