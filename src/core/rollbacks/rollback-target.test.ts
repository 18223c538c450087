import { describe, expect, it } from 'vitest';
import type { Operation, OperationStatus } from '../types.js';
import { initialRollout } from '../types.js';
import { chooseRollbackTarget } from './rollback-target.js';

function deploy(version: string, status: OperationStatus, autoRollback = true, kind: Operation['kind'] = 'deploy'): Operation {
  return {
    id: 'dep-1', kind, service: 'web', version, whole_service: true, status, reason: null, strategy: { type: 'canary' }, timeout_s: 120, retry_count: 0,
    auto_rollback: autoRollback, rollout: initialRollout(0), actor: 'admin', correlation_id: 'c', created_at: 0, updated_at: 0, completed_at: null,
  };
}

describe('chooseRollbackTarget', () => {
  const versions = { desired_version: '1.0.0', previous_version: '0.9.0' };
  it.each([
    ['a paused canary of 1.1.0', deploy('1.1.0', 'paused'), '1.0.0', 'active_deployment'],
    ['a running rolling deployment of 1.1.0', deploy('1.1.0', 'running'), '1.0.0', 'active_deployment'],
    ['a deployment of 1.1.0 that failed with auto_rollback false', deploy('1.1.0', 'failed', false), '1.0.0', 'active_deployment'],
    ['a deployment of 1.1.0 that rolled back', deploy('1.1.0', 'rolled_back'), '0.9.0', 'previous_version'],
    ['a deployment of 1.1.0 that failed and changed nothing (auto_rollback true)', deploy('1.1.0', 'failed', true), '0.9.0', 'previous_version'],
    ['a deployment of 1.0.0 that succeeded', deploy('1.0.0', 'succeeded'), '0.9.0', 'previous_version'],
    ['a restart in progress', deploy('1.0.0', 'running', true, 'restart'), '0.9.0', 'previous_version'],
    ['no operation at all', undefined, '0.9.0', 'previous_version'],
  ])('after %s → %s (%s)', (_name, latestOperation, target, reason) => {
    expect(chooseRollbackTarget({ service: 'web', versions, latestOperation })).toEqual({ ok: true, target, reason });
  });

  it('takes an explicit to_version as given', () => {
    expect(chooseRollbackTarget({ service: 'web', versions, latestOperation: deploy('1.1.0', 'paused'), toVersion: '0.8.0' })).toEqual({ ok: true, target: '0.8.0', reason: 'to_version' });
  });

  it('refuses with no_previous_version when nothing is known good', () => {
    expect(chooseRollbackTarget({ service: 'web', versions: { desired_version: '1.0.0', previous_version: null }, latestOperation: undefined })).toMatchObject({ ok: false, code: 'no_previous_version' });
    // The first deployment ever still running: no desired version to return to either.
    expect(chooseRollbackTarget({ service: 'web', versions: { desired_version: null, previous_version: null }, latestOperation: deploy('1.0.0', 'running') })).toMatchObject({ ok: false, code: 'no_previous_version' });
  });
});
