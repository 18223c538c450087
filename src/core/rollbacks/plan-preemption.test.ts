import { describe, expect, it } from 'vitest';
import { makeOperation, makeTarget, T0 } from '../../testing/builders.js';
import type { OperationKind, TargetStatus } from '../types.js';
import { planPreemption, PREEMPTED_BY_ROLLBACK } from './plan-preemption.js';

const at = T0 + 5000;
const preempt = (kind: OperationKind, statuses: TargetStatus[]) =>
  planPreemption({
    active: makeOperation({ kind, status: 'running', trace: { trace_id: 'a'.repeat(32), root_span_id: 'b'.repeat(16), parent_span_id: null, flags: '01' } }),
    targets: statuses.map((status, i) => makeTarget(`i${i + 1}`, '1.0.0', '2.0.0', { status })),
    actor: 'carol',
    correlationId: 'corr-rb',
    now: at,
  });

describe('planPreemption', () => {
  it('a running deployment ends aborted: pending and in-flight targets skipped, settled ones kept, no goal', () => {
    const plan = preempt('deploy', ['succeeded', 'deploying', 'healthy', 'pending', 'failed', 'reverting']);
    expect(plan?.operation).toEqual({ status: 'aborted', rollout: makeOperation().rollout, reason: { code: PREEMPTED_BY_ROLLBACK, message: 'aborted by a one-click rollback of hello requested by carol' }, completed: true });
    expect(plan?.targets).toEqual([
      { instance_id: 'i2', status: 'skipped' },
      { instance_id: 'i3', status: 'skipped' },
      { instance_id: 'i4', status: 'skipped' },
      { instance_id: 'i6', status: 'skipped' },
    ]);
    expect(plan?.goals).toEqual([]);
    expect(plan?.serviceVersions).toBeNull();
  });

  it('one deploy_aborted event names the operation and its trace, the rollback requester and the request', () => {
    const plan = preempt('restart', ['pending']);
    expect(plan?.events).toEqual([
      {
        at,
        type: 'deploy_aborted',
        service: 'hello',
        version: '2.0.0',
        instance_id: null,
        deploy_id: 'dep-1',
        actor: 'carol',
        correlation_id: 'corr-rb',
        // The preempted operation's trace: its root span then ends as a cancellation.
        trace_id: 'a'.repeat(32),
        request_id: null,
        // What the metrics need to count it as an aborted restart and time it: 5 s from creation to the abort.
        details: { kind: 'restart', reason: { code: PREEMPTED_BY_ROLLBACK, message: expect.stringContaining('carol') }, duration_s: 5 },
      },
    ]);
  });

  it.each<[string, Parameters<typeof planPreemption>[0]['active']]>([
    ['nothing is active', undefined],
    ['a rollback is active (the service lock refuses the new one)', makeOperation({ kind: 'rollback', status: 'running' })],
  ])('no plan when %s', (_name, active) => {
    expect(planPreemption({ active, targets: [], actor: 'carol', correlationId: 'c', now: at })).toBeNull();
  });
});
