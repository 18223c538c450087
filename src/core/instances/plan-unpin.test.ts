import { describe, expect, it } from 'vitest';
import { makeInstance } from '../../testing/builders.js';
import { initialRollout, type Operation } from '../types.js';
import { planUnpin } from './plan-unpin.js';

const pinned = (pin: string | null, goalVersion: string) => makeInstance('i1', goalVersion, { pinned_version: pin });
const holder: Operation = {
  id: 'dep-9', kind: 'deploy', service: 'hello', version: '1.1.0', whole_service: true, status: 'paused', reason: null, strategy: { type: 'canary' }, timeout_s: 120,
  retry_count: 0, auto_rollback: true, rollout: initialRollout(0), actor: 'alice', correlation_id: 'c', created_at: 0, updated_at: 0, completed_at: null,
};

describe('planUnpin', () => {
  it('clears the pin and sets the desired version as a new goal', () => {
    const instance = pinned('0.9.0', '0.9.0');
    expect(planUnpin({ instance, desiredVersion: '1.0.0', activeOperation: undefined })).toEqual({
      ok: true,
      clearedPin: '0.9.0',
      goal: { version: '1.0.0', generation: instance.goal.generation + 1, action: 'run', timeout_s: instance.goal.timeout_s },
    });
  });

  it('clears a pin that already names the desired version without a new goal', () => {
    expect(planUnpin({ instance: pinned('1.0.0', '1.0.0'), desiredVersion: '1.0.0', activeOperation: undefined })).toEqual({ ok: true, clearedPin: '1.0.0', goal: null });
  });

  it('clears the pin and leaves the goal when the service has no desired version yet', () => {
    expect(planUnpin({ instance: pinned('0.9.0', '0.9.0'), desiredVersion: null, activeOperation: undefined })).toEqual({ ok: true, clearedPin: '0.9.0', goal: null });
  });

  it('does nothing for an instance that is not pinned', () => {
    expect(planUnpin({ instance: pinned(null, '1.0.0'), desiredVersion: '1.0.0', activeOperation: undefined })).toEqual({ ok: true, clearedPin: null, goal: null });
  });

  it('refuses with service_locked while an operation holds the service', () => {
    expect(planUnpin({ instance: pinned('0.9.0', '0.9.0'), desiredVersion: '1.0.0', activeOperation: holder })).toMatchObject({ ok: false, kind: 'conflict', code: 'service_locked' });
  });

  it('refuses an instance that drift handling isolated', () => {
    const instance = makeInstance('i1', '0.9.0', {
      pinned_version: '0.9.0',
      isolation: { status: 'quarantined', policy: 'quarantine', reason: { code: 'version_mismatch', message: 'm' }, expected_version: '0.9.0', observed_version: '0.8.0', since: 0, pinned_version: '0.9.0', rebuild: null },
    });
    expect(planUnpin({ instance, desiredVersion: '1.0.0', activeOperation: undefined })).toMatchObject({ ok: false, kind: 'unprocessable', code: 'instance_isolated' });
  });
});
