/** Named scenarios for the session allocator, one decision each. */
import { describe, expect, it } from 'vitest';
import type { InstanceStatus, OperationStatus } from '../types.js';
import { allocateSession, pastHealthGate, UPGRADING_MESSAGE, type SessionAllocationInput, type SessionCandidate } from './allocate-session.js';

function instance(instance_id: string, version: string | null, over: Partial<SessionCandidate> = {}): SessionCandidate {
  return { instance_id, status: 'ready', version, open_sessions: 0, ...over };
}

function input(over: Partial<SessionAllocationInput> = {}): SessionAllocationInput {
  return { desired_version: 'v1', instances: [], operation: null, tenant_version: null, draw: 0.5, ...over };
}

function rollout(status: OperationStatus, pastGate: string[], target = 'v2') {
  return { target_version: target, status, past_gate: new Set(pastGate) };
}

describe('allocateSession', () => {
  it('gives a ready instance on the desired version, with that version', () => {
    expect(allocateSession(input({ instances: [instance('a', 'v1')] }))).toEqual({ ok: true, instance_id: 'a', runtime_version: 'v1' });
  });

  it('picks the least loaded instance, ties by instance_id', () => {
    const instances = [instance('c', 'v1', { open_sessions: 1 }), instance('b', 'v1', { open_sessions: 2 }), instance('a', 'v1', { open_sessions: 1 })];
    expect(allocateSession(input({ instances }))).toMatchObject({ instance_id: 'a' });
  });

  it.each<InstanceStatus>(['pending', 'deploying', 'unhealthy', 'draining', 'quarantined', 'stopped', 'unknown'])('never gives a %s instance', (status) => {
    const decision = allocateSession(input({ instances: [instance('a', 'v1', { status })] }));
    expect(decision).toEqual({ ok: false, kind: 'unavailable', code: 'upgrading', message: UPGRADING_MESSAGE, details: { retry_after_s: 2 } });
    expect(UPGRADING_MESSAGE).toBe('the system is upgrading, please retry shortly');
  });

  it('refuses an instance off the desired version when no operation is active', () => {
    expect(allocateSession(input({ instances: [instance('a', 'v0'), instance('b', null)] }))).toMatchObject({ ok: false, code: 'upgrading' });
  });

  it('refuses when the service has no desired version and nothing is rolling out', () => {
    expect(allocateSession(input({ desired_version: null, instances: [instance('a', 'v1')] }))).toMatchObject({ ok: false, code: 'upgrading' });
  });

  it('gives the target version on an instance past its health gate during an active deployment', () => {
    const decision = allocateSession(input({ instances: [instance('a', 'v2')], operation: rollout('running', ['a']) }));
    expect(decision).toEqual({ ok: true, instance_id: 'a', runtime_version: 'v2' });
  });

  it('refuses the target version on an instance still inside its health gate', () => {
    expect(allocateSession(input({ instances: [instance('a', 'v2')], operation: rollout('running', []) }))).toMatchObject({ ok: false, code: 'upgrading' });
  });

  it.each<OperationStatus>(['rolling_back', 'failed', 'rolled_back', 'aborted', 'succeeded'])('refuses the target version once the operation is %s', (status) => {
    expect(allocateSession(input({ instances: [instance('a', 'v2')], operation: rollout(status, ['a']) }))).toMatchObject({ ok: false, code: 'upgrading' });
  });

  it('the first deployment of a service (no desired version yet) serves its target past the gate', () => {
    const decision = allocateSession(input({ desired_version: null, instances: [instance('a', 'v1'), instance('b', 'v1')], operation: rollout('verifying', ['b'], 'v1') }));
    expect(decision).toEqual({ ok: true, instance_id: 'b', runtime_version: 'v1' });
  });

  it('a restart (no target version) serves only the desired version', () => {
    const op = { target_version: null, status: 'running' as const, past_gate: new Set(['a']) };
    expect(allocateSession(input({ instances: [instance('a', 'v1', { status: 'deploying' }), instance('b', 'v1')], operation: op }))).toMatchObject({ instance_id: 'b' });
  });

  it('canary: a draw below the canary share goes to the target version, above it to the desired one', () => {
    const instances = [instance('a', 'v1'), instance('b', 'v1'), instance('c', 'v1'), instance('d', 'v2')];
    const op = rollout('paused', ['d']);
    expect(allocateSession(input({ instances, operation: op, draw: 0.2 }))).toMatchObject({ instance_id: 'd', runtime_version: 'v2' });
    expect(allocateSession(input({ instances, operation: op, draw: 0.25 }))).toMatchObject({ runtime_version: 'v1' });
  });

  it('tenant stickiness: a tenant keeps the version it got earlier in the operation, whatever the draw', () => {
    const instances = [instance('a', 'v1'), instance('d', 'v2')];
    const op = rollout('running', ['d']);
    expect(allocateSession(input({ instances, operation: op, tenant_version: 'v2', draw: 0.99 }))).toMatchObject({ runtime_version: 'v2' });
    expect(allocateSession(input({ instances, operation: op, tenant_version: 'v1', draw: 0 }))).toMatchObject({ runtime_version: 'v1' });
  });

  it('tenant stickiness gives way when the tenant version has no eligible instance left', () => {
    const op = rollout('running', ['d']);
    expect(allocateSession(input({ instances: [instance('a', 'v1'), instance('d', 'v2', { status: 'unhealthy' })], operation: op, tenant_version: 'v2' }))).toMatchObject({
      runtime_version: 'v1',
    });
  });
});

describe('pastHealthGate', () => {
  it('counts succeeded and verifying targets only', () => {
    const statuses = ['pending', 'deploying', 'healthy', 'verifying', 'succeeded', 'failed', 'skipped', 'reverting', 'reverted', 'revert_failed'] as const;
    const gate = pastHealthGate(statuses.map((status) => ({ instance_id: status, status })));
    expect([...gate].sort()).toEqual(['succeeded', 'verifying']);
  });
});
