import { describe, expect, it } from 'vitest';
import { makeInstance, makeTarget, T0 } from '../../testing/builders.js';
import type { Instance, InstanceIsolation } from '../types.js';
import { answering } from '../../testing/drift-fixtures.js';
import { planRelease } from './plan-release.js';

const isolation: InstanceIsolation = {
  status: 'quarantined',
  policy: 'quarantine',
  reason: { code: 'version_mismatch', message: 'answered v1, expected v2' },
  expected_version: 'v2',
  observed_version: 'v1',
  since: T0,
  pinned_version: null,
  rebuild: null,
};

const release = (instance: Instance, activeTarget = undefined as Parameters<typeof planRelease>[0]['activeTarget']) =>
  planRelease({ instance, desiredVersion: 'v2', activeTarget, actor: 'admin', now: T0 + 5 });

describe('planRelease', () => {
  it('refuses an instance that is not isolated: not_isolated', () => {
    expect(release(makeInstance('i1', 'v2'))).toMatchObject({ ok: false, kind: 'unprocessable', code: 'not_isolated' });
  });

  it('refuses while it still answers the wrong version: version_still_wrong naming both', () => {
    expect(release({ ...answering('i1', 'v1', 'v2'), isolation })).toMatchObject({ ok: false, code: 'version_still_wrong', details: { expected: 'v2', observed: 'v1' } });
  });

  it('refuses while an operation is changing it', () => {
    const target = makeTarget('i1', 'v1', 'v2', { status: 'deploying' });
    expect(release({ ...makeInstance('i1', 'v2'), isolation }, target)).toMatchObject({ ok: false, code: 'instance_in_flight' });
  });

  it('releases an instance answering the right version, with an audit event and no pin change', () => {
    const decided = release({ ...makeInstance('i1', 'v2'), isolation });
    expect(decided).toMatchObject({ ok: true, pin: undefined, event: { type: 'instance_released', instance_id: 'i1', actor: 'admin', version: 'v2' } });
  });

  it('after a rebuild pinned it, restores the pin it had before the episode', () => {
    const rebuiltIsolation = { ...isolation, policy: 'rebuild' as const, rebuild: { operation_id: 'dep-1', version: 'v2', attempts: 3, gave_up: true } };
    const decided = release({ ...makeInstance('i1', 'v2', { pinned_version: 'v2' }), isolation: rebuiltIsolation });
    expect(decided).toMatchObject({ ok: true, pin: null });
  });
});
