/**
 * Safety properties of the drift planner over random fleets: random versions answered,
 * goals, pins, host heartbeats, drift policies and an active operation with random
 * target statuses. Repeated passes apply each plan to the snapshot, as the reconciler does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOperation, makeTarget } from '../../testing/builders.js';
import type { DriftPolicy, Instance, OperationTarget, TargetStatus } from '../types.js';
import { answering, applyDriftPlanTo, HEARTBEAT_S, NOW, snapshot } from '../../testing/drift-fixtures.js';
import { planDrift, type DriftSnapshot } from './plan-drift.js';

const VERSIONS = ['v1', 'v2', 'v3', 'v9'] as const; // v9 is never registered
const TARGET_STATUSES: TargetStatus[] = ['pending', 'deploying', 'healthy', 'verifying', 'succeeded', 'failed', 'skipped', 'reverting', 'reverted', 'revert_failed'];
const IN_FLIGHT: TargetStatus[] = ['deploying', 'healthy', 'verifying', 'reverting', 'failed', 'revert_failed'];

const instanceArb = (index: number) =>
  fc.record({
    answered: fc.constantFrom(...VERSIONS, null),
    goal: fc.constantFrom('v1', 'v2', 'v3'),
    pin: fc.constantFrom('v1', 'v2', null),
    status: fc.constantFrom('ready', 'unhealthy', 'starting', 'crashed', 'stopped' as const),
    silent: fc.boolean(),
    target: fc.option(fc.constantFrom(...TARGET_STATUSES), { nil: null }),
  }).map((r) => ({ ...r, id: `i${index + 1}` }));

const fleetArb = fc
  .record({
    count: fc.integer({ min: 1, max: 6 }),
    policy: fc.constantFrom<DriftPolicy>('rebuild', 'quarantine', 'mark_unhealthy'),
    desired: fc.constantFrom('v1', 'v2', null),
  })
  .chain(({ count, policy, desired }) => fc.tuple(...Array.from({ length: count }, (_, i) => instanceArb(i))).map((instances) => ({ instances, policy, desired })));

type Fleet = typeof fleetArb extends fc.Arbitrary<infer T> ? T : never;

function toSnapshot(fleet: Fleet): DriftSnapshot {
  const instances: Instance[] = fleet.instances.map((r) => answering(r.id, r.answered, r.goal, { status: r.status }, { pinned_version: r.pin }));
  const targets: OperationTarget[] = fleet.instances.filter((r) => r.target !== null).map((r) => makeTarget(r.id, 'v2', 'v3', { operation_id: 'dep-op', status: r.target! }));
  const silentAt = NOW - 3 * HEARTBEAT_S * 1000 - 1;
  return snapshot(
    instances,
    {
      activeOperation: targets.length > 0 ? makeOperation({ id: 'dep-op', version: 'v3', whole_service: false, status: 'running' }) : undefined,
      activeTargets: targets,
      hostHeartbeats: new Map(fleet.instances.map((r) => [`host-${r.id}`, r.silent ? silentAt : NOW - 1000])),
    },
    { drift_policy: fleet.policy, desired_version: fleet.desired },
  );
}

/** Runs `passes` passes, applying each plan; the active operation stays as it was unless a rebuild took the lock. */
function run(s: DriftSnapshot, passes: number) {
  const plans = [];
  for (let i = 0; i < passes; i++) {
    const plan = planDrift({ ...s, rebuildId: `dep-r${i}` });
    plans.push(plan);
    s = applyDriftPlanTo(s, plan);
  }
  return plans;
}

describe('planDrift properties', () => {
  it('an in-flight instance is never quarantined, and an unknown one never drifted', () => {
    fc.assert(
      fc.property(fleetArb, (fleet) => {
        const plans = run(toSnapshot(fleet), 3);
        for (const r of fleet.instances) {
          if (!(r.silent || (r.target !== null && IN_FLIGHT.includes(r.target)))) continue;
          for (const plan of plans) {
            expect(plan.isolations.map((i) => i.instance_id)).not.toContain(r.id);
            expect(plan.events.map((e) => e.instance_id)).not.toContain(r.id);
          }
        }
      }),
    );
  });

  it('a pinned instance answering its pin is never drifted', () => {
    fc.assert(
      fc.property(fleetArb, (fleet) => {
        const plans = run(toSnapshot(fleet), 3);
        for (const r of fleet.instances) {
          const onItsPin = r.pin !== null && r.answered === r.pin && (r.target === null || r.target === 'pending' || r.target === 'skipped');
          if (!onItsPin) continue;
          for (const plan of plans) expect(plan.events.filter((e) => e.type === 'version_mismatch_detected' && e.instance_id === r.id)).toEqual([]);
        }
      }),
    );
  });

  it('each drift episode is reported once, however many passes see it', () => {
    fc.assert(
      fc.property(fleetArb, fc.integer({ min: 2, max: 6 }), (fleet, passes) => {
        const events = run(toSnapshot(fleet), passes).flatMap((p) => p.events);
        for (const r of fleet.instances) {
          expect(events.filter((e) => e.type === 'version_mismatch_detected' && e.instance_id === r.id).length).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('a detected instance is isolated in the same pass, and a rebuild starts only when the service is unlocked', () => {
    fc.assert(
      fc.property(fleetArb, (fleet) => {
        const s = toSnapshot(fleet);
        const plan = planDrift(s);
        for (const event of plan.events.filter((e) => e.type === 'version_mismatch_detected')) {
          expect(plan.isolations.find((i) => i.instance_id === event.instance_id)?.isolation).not.toBeNull();
        }
        if (s.activeOperation !== undefined) expect(plan.rebuild).toBeNull();
        if (fleet.policy !== 'rebuild') expect(plan.rebuild).toBeNull();
      }),
    );
  });
});
