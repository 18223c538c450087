import { describe, expect, it } from 'vitest';
import type { Refusal } from '../result.js';
import { buildOperation, lockRefusal, type OperationRequest } from './build-operation.js';
import { makeInstance, makeInstances, makeOperation, makeService, T0 } from '../../testing/builders.js';

function request(over: Partial<OperationRequest> = {}): OperationRequest {
  return {
    id: 'dep-7',
    kind: 'deploy',
    service: makeService({ desired_version: '1.0.0' }),
    version: '2.0.0',
    instances: makeInstances(3, '1.0.0'),
    activeOperation: undefined,
    actor: 'alice',
    correlation_id: 'corr-9',
    now: T0,
    ...over,
  };
}

function refusal(over: Partial<OperationRequest>): Refusal {
  const result = buildOperation(request(over));
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

function built(over: Partial<OperationRequest> = {}) {
  const result = buildOperation(request(over));
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result;
}

describe('buildOperation refusals', () => {
  it('refuses while another operation holds the lock, naming the holder (409 service_locked)', () => {
    const holder = makeOperation({ id: 'dep-1', kind: 'deploy', status: 'running', actor: 'bob', created_at: T0 });
    const r = refusal({ activeOperation: holder });
    expect(r).toMatchObject({ kind: 'conflict', code: 'service_locked' });
    expect(r.details).toEqual({ holder: { id: 'dep-1', kind: 'deploy', status: 'running', actor: 'bob', since: new Date(T0).toISOString() } });
    expect(r.message).toContain('deployment dep-1');
    expect(r.message).toContain('bob');
  });

  it.each([
    ['rollback', 'rollback rb-1'],
    ['restart', 'restart rb-1'],
  ] as const)('names a %s holder as such', (kind, phrase) => {
    expect(lockRefusal(makeOperation({ id: 'rb-1', kind })).message).toContain(phrase);
  });

  it('the lock check comes first, even for an otherwise invalid request', () => {
    expect(refusal({ activeOperation: makeOperation(), instanceIds: [] }).code).toBe('service_locked');
  });

  it('unknown instance → not_found instance_not_found with the id', () => {
    const r = refusal({ instanceIds: ['i1', 'nope'] });
    expect(r).toMatchObject({ kind: 'not_found', code: 'instance_not_found', details: { instance_id: 'nope' } });
  });

  it('empty instance list → input invalid_instances', () => {
    expect(refusal({ instanceIds: [] })).toMatchObject({ kind: 'input', code: 'invalid_instances' });
  });

  it('whole service with no instances → unprocessable no_instances', () => {
    expect(refusal({ instances: [] })).toMatchObject({ kind: 'unprocessable', code: 'no_instances' });
  });

  it('restart of an instance with no version → unprocessable nothing_to_restart', () => {
    const instances = [makeInstance('i1', '1.0.0'), makeInstance('i2', null)];
    const r = refusal({ kind: 'restart', version: null, instances });
    expect(r).toMatchObject({ kind: 'unprocessable', code: 'nothing_to_restart' });
    expect(r.message).toContain('i2');
  });

  it('restart of only the instances that run a version is allowed', () => {
    const instances = [makeInstance('i1', '1.0.0'), makeInstance('i2', null)];
    expect(buildOperation(request({ kind: 'restart', version: null, instances, instanceIds: ['i1'] })).ok).toBe(true);
  });
});

describe('buildOperation results', () => {
  it('whole-service deploy: every instance a pending target from its goal version to the new one', () => {
    const instances = [makeInstance('i1', '1.0.0'), makeInstance('i2', '0.9.0', { pinned_version: '0.9.0' }), makeInstance('i3', null)];
    const { operation, targets } = built({ instances });
    expect(operation).toMatchObject({
      id: 'dep-7',
      kind: 'deploy',
      service: 'hello',
      version: '2.0.0',
      whole_service: true,
      status: 'pending',
      reason: null,
      retry_count: 0,
      auto_rollback: true,
      actor: 'alice',
      correlation_id: 'corr-9',
      created_at: T0,
      completed_at: null,
    });
    expect(targets.map((t) => [t.instance_id, t.from_version, t.to_version, t.status, t.attempts, t.changed, t.generation])).toEqual([
      ['i1', '1.0.0', '2.0.0', 'pending', 0, false, null],
      ['i2', '0.9.0', '2.0.0', 'pending', 0, false, null],
      ['i3', null, '2.0.0', 'pending', 0, false, null],
    ]);
    expect(targets.every((t) => t.operation_id === 'dep-7')).toBe(true);
  });

  it.each([
    ['goal failed unswitched (sha256), no pin', null, '1.0.0'],
    ['goal failed unswitched (sha256), pinned 0.9.0', '0.9.0', '0.9.0'],
  ] as const)('returns to the version the instance should run when its last goal failed: %s', (_name, pin, expected) => {
    const failedGoal = makeInstance('i1', '1.0.0', {
      pinned_version: pin,
      goal: { version: '3.0.0', generation: 2, action: 'run', timeout_s: 120 },
      observed: { status: 'ready', version: pin ?? '1.0.0', pid: 9, achieved_generation: 2, at: T0, outcome: { generation: 2, ok: false, code: 'sha256_mismatch', message: 'x', switched: false } },
    });
    const { targets } = built({ instances: [failedGoal] });
    expect(targets[0]?.from_version).toBe(expected);
  });

  it('named instances: not whole service, one target each, duplicates collapsed', () => {
    const { operation, targets } = built({ instanceIds: ['i3', 'i1', 'i3'] });
    expect(operation.whole_service).toBe(false);
    expect(targets.map((t) => t.instance_id)).toEqual(['i3', 'i1']);
  });

  it('restart: each target keeps its own version and the operation has none', () => {
    const instances = [makeInstance('i1', '1.0.0'), makeInstance('i2', '0.9.0')];
    const { operation, targets } = built({ kind: 'restart', version: null, instances });
    expect(operation.version).toBeNull();
    expect(targets.map((t) => [t.from_version, t.to_version])).toEqual([
      ['1.0.0', '1.0.0'],
      ['0.9.0', '0.9.0'],
    ]);
  });

  describe('timeout', () => {
    it('takes the request timeout first', () => {
      expect(built({ timeout_s: 45, strategy: { type: 'rolling', healthy_deadline_s: 30 } }).operation.timeout_s).toBe(45);
    });
    it('defaults to the request strategy healthy_deadline_s', () => {
      expect(built({ strategy: { type: 'rolling', healthy_deadline_s: 30 } }).operation.timeout_s).toBe(30);
    });
    it("defaults to the service strategy's healthy_deadline_s when the request has none", () => {
      const service = makeService({ strategy: { type: 'rolling', batch_size: 1, healthy_deadline_s: 75 } });
      expect(built({ service }).operation.timeout_s).toBe(75);
    });
    it('else 120', () => {
      expect(built().operation.timeout_s).toBe(120);
    });
  });

  describe('strategy', () => {
    it('request strategy, else the service strategy, else rolling 25% (never all at once by default)', () => {
      const service = makeService({ strategy: { type: 'rolling', batch_size: 2 } });
      expect(built({ service, strategy: { type: 'rolling', batch_percent: 50 } }).operation.strategy).toEqual({ type: 'rolling', batch_percent: 50 });
      expect(built({ service }).operation.strategy).toEqual({ type: 'rolling', batch_size: 2 });
      expect(built().operation.strategy).toEqual({ type: 'rolling', batch_percent: 25 });
    });
  });

  describe('auto_rollback', () => {
    it('deploy: true by default', () => {
      expect(built().operation.auto_rollback).toBe(true);
    });
    it('deploy: false when the strategy says so', () => {
      expect(built({ strategy: { type: 'all_at_once', auto_rollback: false } }).operation.auto_rollback).toBe(false);
    });
    it('restart: always false', () => {
      expect(built({ kind: 'restart', version: null, strategy: { type: 'all_at_once', auto_rollback: true } }).operation.auto_rollback).toBe(false);
    });
    it('rollback: always false', () => {
      expect(built({ kind: 'rollback', version: '0.9.0', strategy: { type: 'all_at_once', auto_rollback: true } }).operation.auto_rollback).toBe(false);
    });
  });

  it('retry_count is taken from the request, default 0', () => {
    expect(built({ retry_count: 3 }).operation.retry_count).toBe(3);
    expect(built().operation.retry_count).toBe(0);
  });
});
