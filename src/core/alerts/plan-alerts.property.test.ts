/**
 * Safety properties of the alert evaluator over random fleets and a fake clock that only
 * moves forward: at most one firing alert per cause, a resolve only for a cause that is
 * gone, and a second evaluation of the same state (what a restarted server does) changes
 * nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstance, makeIsolation, makeOperation } from '../../testing/builders.js';
import type { Instance, Operation, OperationStatus } from '../types.js';
import { alertCauses } from './alert-causes.js';
import { applyAlertPlan, CONFIG, serviceState, snapshotOf, T0 } from '../../testing/alert-fixtures.js';
import type { Alert } from './alert-types.js';
import { heartbeatsSinceWatching, planAlerts, type AlertSnapshot } from './plan-alerts.js';

type StepOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const STATUSES: OperationStatus[] = ['running', 'succeeded', 'failed', 'rolled_back', 'rolling_back', 'aborted'];
const REASONS = [null, 'verify_failed', 'progress_deadline_exceeded', 'version_mismatch'];

const instanceArb = (id: string) =>
  fc.record({ version: fc.constantFrom('1.0.0', '2.0.0', '3.0.0'), ready: fc.boolean(), driftAgeS: fc.option(fc.integer({ min: 0, max: 200 })) }).map(({ version, ready, driftAgeS }) => ({ id, version, ready, driftAgeS }));

const stepArb = fc.record({
  advanceS: fc.integer({ min: 0, max: 2000 }),
  instances: fc.tuple(instanceArb('i1'), instanceArb('i2')),
  silentHost: fc.option(fc.constantFrom('host-i1', 'host-i2')),
  newOperation: fc.option(fc.record({ kind: fc.constantFrom('deploy' as const, 'rollback' as const), status: fc.constantFrom(...STATUSES), reason: fc.constantFrom(...REASONS), tookS: fc.integer({ min: 0, max: 1200 }) })),
});

function stateAt(step: StepOf<typeof stepArb>, operations: Operation[], now: number): AlertSnapshot['services'][number] {
  const instances: Instance[] = step.instances.map((i) => {
    const base = makeInstance(i.id, i.version, i.driftAgeS === null ? {} : { isolation: makeIsolation({ since: now - i.driftAgeS * 1000 }) });
    return i.ready ? base : { ...base, observed: { ...base.observed!, status: 'crashed' } };
  });
  return serviceState(instances, operations);
}

describe('planAlerts properties', () => {
  it('one firing alert per cause; resolves only what is gone; re-evaluation changes nothing', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
        let now = T0;
        let firing: Alert[] = [];
        const operations: Operation[] = [];
        for (const [n, step] of steps.entries()) {
          now += step.advanceS * 1000;
          if (step.newOperation !== null) {
            const o = step.newOperation;
            const terminal = o.status !== 'running' && o.status !== 'rolling_back';
            operations.unshift(
              makeOperation({ id: `op-${n}`, kind: o.kind, status: o.status, reason: o.reason === null ? null : { code: o.reason, message: o.reason }, created_at: now - o.tookS * 1000, updated_at: now, completed_at: terminal ? now : null }),
            );
          }
          const heartbeats = new Map(['host-i1', 'host-i2'].map((h) => [h, step.silentHost === h ? now - 30_000 : now - 1000]));
          const state = stateAt(step, operations, now);
          const snapshot = snapshotOf([state], now, firing, heartbeats);
          const plan = planAlerts(snapshot, CONFIG);
          const present = new Set(alertCauses(state, heartbeatsSinceWatching(snapshot), CONFIG, now).map((c) => c.cause_key));
          for (const r of plan.resolve) expect(present.has(r.cause_key)).toBe(false);
          firing = applyAlertPlan(firing, plan);
          const keys = firing.map((a) => a.cause_key);
          expect(new Set(keys).size).toBe(keys.length);
          expect([...present].sort()).toEqual([...keys].sort());
          // A restarted server reads the same store: nothing to open, nothing to resolve.
          expect(planAlerts({ ...snapshot, firing }, CONFIG)).toEqual({ open: [], resolve: [] });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an operation alert, once resolved, never fires again for the same operation', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: 10 }), fc.boolean(), (advances, laterSuccess) => {
        const failed = makeOperation({ id: 'dep-1', status: 'rolled_back', completed_at: T0, updated_at: T0 });
        let now = T0;
        let firing: Alert[] = [];
        const resolvedKeys = new Set<string>();
        for (const [n, advanceS] of advances.entries()) {
          now += advanceS * 1000;
          const ops = laterSuccess && n > 2 ? [makeOperation({ id: 'dep-2', status: 'succeeded', created_at: T0 + 1, completed_at: T0 + 1 }), failed] : [failed];
          const plan = planAlerts(snapshotOf([serviceState([makeInstance('i1', '2.0.0')], ops)], now, firing), CONFIG);
          for (const o of plan.open) expect(resolvedKeys.has(o.cause_key)).toBe(false);
          for (const r of plan.resolve) resolvedKeys.add(r.cause_key);
          firing = applyAlertPlan(firing, plan);
        }
      }),
      { numRuns: 300 },
    );
  });
});
