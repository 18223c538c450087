import { describe, expect, it } from 'vitest';
import { makeOperation, makeTarget, T0 } from '../../testing/builders.js';
import type { Operation, OperationTarget } from '../types.js';
import { operationSpansOf } from './operation-spans.js';

/** A deployment of web 2.0.0 that succeeded 5 s after it was created. */
function op(over: Partial<Operation> = {}): Operation {
  return makeOperation({ service: 'web', status: 'succeeded', actor: 'ci', updated_at: T0 + 5000, completed_at: T0 + 5000, ...over });
}

/** web-1 moved from 1.0.0 to 2.0.0: started after 1 s, healthy after 3 s. */
function target(over: Partial<OperationTarget> = {}): OperationTarget {
  return makeTarget(over.instance_id ?? 'web-1', '1.0.0', '2.0.0', { status: 'succeeded', attempts: 1, generation: 2, changed: true, started_at: T0 + 1000, healthy_at: T0 + 3000, updated_at: T0 + 4000, ...over });
}

describe('operationSpansOf', () => {
  it('plans nothing while the operation is active', () => {
    expect(operationSpansOf(op({ status: 'running', completed_at: null }), [], null)).toBeNull();
  });

  it('a succeeded deployment: the contract attributes, no error, a batch holding each started instance', () => {
    const spans = operationSpansOf(op(), [target(), target({ instance_id: 'web-2', started_at: null, status: 'pending' })], 'production')!;
    expect(spans.root).toEqual({
      name: 'ferry.deployment',
      startMs: T0,
      endMs: T0 + 5000,
      error: null,
      attributes: expect.objectContaining({
        'ferry.deploy_id': 'dep-1',
        'ferry.service': 'web',
        'ferry.version': '2.0.0',
        'deployment.id': 'dep-1',
        'deployment.name': 'web@2.0.0',
        'deployment.status': 'succeeded',
        'deployment.environment.name': 'production',
        'cicd.pipeline.name': 'ferry deploy web',
        'cicd.pipeline.run.id': 'dep-1',
        'cicd.pipeline.result': 'success',
      }),
    });
    expect(spans.batches).toEqual([
      {
        span: { name: 'ferry.batch', startMs: T0 + 1000, endMs: T0 + 4000, error: null, attributes: { 'ferry.batch': 1, 'ferry.instances': 1, 'ferry.service': 'web' } },
        instances: [
          { name: 'ferry.instance', startMs: T0 + 1000, endMs: T0 + 4000, error: null, attributes: expect.objectContaining({ 'ferry.instance_id': 'web-1', 'ferry.version': '2.0.0', 'ferry.from_version': '1.0.0' }) },
        ],
      },
    ]);
  });

  it('a failed deployment is an error with its reason code, and so is its failed instance', () => {
    const reason = { code: 'health_timeout', message: 'web-1 not healthy' };
    const spans = operationSpansOf(op({ status: 'rolled_back', reason }), [target({ status: 'failed', reason })], null)!;
    expect(spans.root.error).toBe('health_timeout');
    expect(spans.root.attributes).toMatchObject({ 'deployment.status': 'failed', 'cicd.pipeline.result': 'failure' });
    expect(spans.root.attributes).not.toHaveProperty('deployment.environment.name');
    expect(spans.batches[0]!.instances[0]!.error).toBe('health_timeout');
    expect(spans.batches[0]!.span.error).toBe('health_timeout');
  });

  it('a rollback is a ferry.rollback span named by its rollback id; an aborted one is a cancellation', () => {
    const spans = operationSpansOf(op({ id: 'rb-1', kind: 'rollback', status: 'aborted' }), [], null)!;
    expect(spans.root.name).toBe('ferry.rollback');
    expect(spans.root.attributes).toMatchObject({ 'ferry.rollback_id': 'rb-1', 'cicd.pipeline.result': 'cancellation' });
    expect(spans.root.attributes).not.toHaveProperty('ferry.deploy_id');
  });

  it('a restart has no version and is named after its service', () => {
    const spans = operationSpansOf(op({ kind: 'restart', version: null }), [], null)!;
    expect(spans.root.attributes).toMatchObject({ 'deployment.name': 'web restart', 'cicd.pipeline.name': 'ferry restart web' });
    expect(spans.root.attributes).not.toHaveProperty('ferry.version');
  });

  it('groups instances started in one pass into one batch, batches in the order they started', () => {
    const targets = [
      target({ instance_id: 'web-3', started_at: T0 + 2500, updated_at: T0 + 4500 }),
      target({ instance_id: 'web-1', started_at: T0 + 1000, updated_at: T0 + 2000 }),
      target({ instance_id: 'web-2', started_at: T0 + 1000, updated_at: T0 + 2400 }),
    ];
    const spans = operationSpansOf(op(), targets, null)!;
    expect(spans.batches.map((b) => [b.span.attributes['ferry.batch'], b.span.startMs, b.span.endMs, b.instances.map((i) => i.attributes['ferry.instance_id'])])).toEqual([
      [1, T0 + 1000, T0 + 2400, ['web-1', 'web-2']],
      [2, T0 + 2500, T0 + 4500, ['web-3']],
    ]);
  });

  it('keeps children inside the root even when clocks disagree', () => {
    const spans = operationSpansOf(op(), [target({ started_at: T0 - 50, updated_at: T0 + 9000 })], null)!;
    expect(spans.batches[0]!.instances[0]).toMatchObject({ startMs: T0, endMs: T0 + 5000 });
  });
});
