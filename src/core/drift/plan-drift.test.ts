import { describe, expect, it } from 'vitest';
import { makeInstance, makeIsolation, makeOperation, makeTarget } from '../../testing/builders.js';
import { instanceStatus } from '../instances/instance-status.js';
import { DRIFT_ACTOR, MAX_REBUILD_ATTEMPTS } from './drift-plan.js';
import { answering, applyDriftPlanTo, eventTypes, HEARTBEAT_S, NOW, snapshot } from '../../testing/drift-fixtures.js';
import { planDrift } from './plan-drift.js';

describe('planDrift: detection', () => {
  it('nothing to do when every instance answers the desired version', () => {
    const plan = planDrift(snapshot([makeInstance('i1', 'v2'), makeInstance('i2', 'v2')]));
    expect(plan).toEqual({ isolations: [], pins: [], rebuild: null, events: [] });
  });

  it('an instance answering v1 while desired is v2: detected, quarantined and rebuilt on v2', () => {
    const plan = planDrift(snapshot([makeInstance('i1', 'v2'), answering('i2', 'v1', 'v2')]));
    expect(eventTypes(plan)).toEqual(['version_mismatch_detected i2', 'instance_quarantined i2', 'deploy_started', 'instance_rebuild_started i2']);
    expect(plan.events[0]).toMatchObject({ version: 'v1', actor: DRIFT_ACTOR, details: { expected: 'v2', observed: 'v1', policy: 'rebuild' } });
    expect(plan.isolations).toEqual([
      {
        instance_id: 'i2',
        isolation: expect.objectContaining({ status: 'quarantined', policy: 'rebuild', expected_version: 'v2', observed_version: 'v1', since: NOW, rebuild: { operation_id: 'dep-rebuild-1', version: 'v2', attempts: 1, gave_up: false } }),
      },
    ]);
    expect(plan.rebuild?.operation).toMatchObject({ id: 'dep-rebuild-1', kind: 'deploy', version: 'v2', whole_service: false, actor: DRIFT_ACTOR, auto_rollback: false });
    expect(plan.rebuild?.targets.map((t) => t.instance_id)).toEqual(['i2']);
  });

  it('an instance answering a version that is no registered release drifted, even on its goal', () => {
    const plan = planDrift(snapshot([answering('i1', 'v9', 'v9')], {}, { desired_version: 'v2' }));
    expect(plan.events[0]).toMatchObject({ type: 'version_mismatch_detected', details: { reason: { code: 'unregistered_version' } } });
  });

  it('a pinned instance on its pin is not drifted; one off its pin is, and is rebuilt on the pin', () => {
    expect(planDrift(snapshot([makeInstance('i1', 'v1', { pinned_version: 'v1' })])).events).toEqual([]);
    const plan = planDrift(snapshot([answering('i1', 'v3', 'v1', {}, { pinned_version: 'v1' })]));
    expect(plan.events[0]).toMatchObject({ type: 'version_mismatch_detected', details: { expected: 'v1', observed: 'v3' } });
    expect(plan.rebuild?.operation.version).toBe('v1');
  });

  it('an instance on the version Ferry last sent it to is not drifted (a failed deployment left it there)', () => {
    expect(planDrift(snapshot([makeInstance('i1', 'v3')])).events).toEqual([]);
  });

  it('an unknown instance (its host missed 3 heartbeats) is never drifted', () => {
    const silent = NOW - 3 * HEARTBEAT_S * 1000 - 1;
    const s = snapshot([answering('i1', 'v1', 'v2')]);
    expect(planDrift({ ...s, hostHeartbeats: new Map([['host-i1', silent]]) }).events).toEqual([]);
    expect(planDrift({ ...s, hostHeartbeats: new Map() }).events).toEqual([]);
  });

  it('not drifted: still working on its goal, starting, stopped, or no version answered', () => {
    const goalAhead = answering('i1', 'v1', 'v2', { achieved_generation: 0 });
    const starting = answering('i2', 'v1', 'v2', { status: 'starting' });
    const stopped = answering('i3', 'v1', 'v2', { status: 'stopped' });
    const silentProbe = answering('i4', null, 'v2', { status: 'unhealthy' });
    expect(planDrift(snapshot([goalAhead, starting, stopped, silentProbe])).events).toEqual([]);
  });
});

describe('planDrift: operations in progress', () => {
  const op = makeOperation({ id: 'dep-7', version: 'v3', status: 'running' });

  it.each(['deploying', 'healthy', 'verifying', 'reverting', 'failed', 'revert_failed'] as const)('a %s target is in flight, never drift', (status) => {
    const s = snapshot([answering('i1', 'v1', 'v3')], { activeOperation: op, activeTargets: [makeTarget('i1', 'v2', 'v3', { operation_id: 'dep-7', status })] });
    expect(planDrift(s).events).toEqual([]);
  });

  it('a target the active deployment already moved should run the target version', () => {
    const moved = { activeOperation: op, activeTargets: [makeTarget('i1', 'v2', 'v3', { operation_id: 'dep-7', status: 'succeeded' })] };
    expect(planDrift(snapshot([makeInstance('i1', 'v3')], moved)).events).toEqual([]);
    const plan = planDrift(snapshot([answering('i1', 'v2', 'v3')], moved));
    expect(plan.events[0]).toMatchObject({ type: 'version_mismatch_detected', details: { expected: 'v3', observed: 'v2' } });
  });

  it('while the service is locked a drifted instance is quarantined at once and its rebuild waits', () => {
    const s = snapshot([answering('i1', 'v1', 'v2'), makeInstance('i2', 'v2')], { activeOperation: op, activeTargets: [makeTarget('i2', 'v2', 'v3', { operation_id: 'dep-7', status: 'deploying' })] });
    const plan = planDrift(s);
    expect(eventTypes(plan)).toEqual(['version_mismatch_detected i1', 'instance_quarantined i1']);
    expect(plan.rebuild).toBeNull();
    const next = planDrift({ ...applyDriftPlanTo(s, plan), activeOperation: undefined, activeTargets: [] });
    expect(eventTypes(next)).toEqual(['deploy_started', 'instance_rebuild_started i1']);
  });
});

describe('planDrift: episodes', () => {
  it('reports an episode once, waits for the rebuild, then clears the quarantine with instance_rebuilt', () => {
    let s = snapshot([answering('i1', 'v1', 'v2', {}, { pinned_version: null })]);
    const first = planDrift(s);
    s = applyDriftPlanTo(s, first);
    expect(instanceStatus(s.instances[0]!, { now: NOW, heartbeatS: HEARTBEAT_S, hostLastHeartbeatAt: NOW })).toBe('quarantined');
    expect(planDrift({ ...s, activeTargets: [] }).events).toEqual([]); // the rebuild holds the lock: wait
    // The rebuild succeeded: pinned to v2 by the deployment, answering v2 on a new goal.
    const rebuilt = { ...makeInstance('i1', 'v2', { pinned_version: 'v2' }), isolation: s.instances[0]!.isolation };
    const done = planDrift({ ...s, instances: [rebuilt], activeOperation: undefined, activeTargets: [] });
    expect(eventTypes(done)).toEqual(['instance_rebuilt i1']);
    expect(done.isolations).toEqual([{ instance_id: 'i1', isolation: null }]);
    expect(done.pins).toEqual([{ instance_id: 'i1', version: null }]); // the pin it had before the episode
  });

  it('after a rebuild, a whole-service deployment that cleared pins is not undone by restoring the old pin', () => {
    const isolation = makeIsolation({
      reason: { code: 'version_mismatch', message: 'x' },
      expected_version: 'v1',
      observed_version: 'v3',
      since: NOW - 10,
      pinned_version: 'v1',
      rebuild: { operation_id: 'dep-old', version: 'v1', attempts: 1, gave_up: false },
    });
    const plan = planDrift(snapshot([{ ...makeInstance('i1', 'v2'), isolation }]));
    expect(eventTypes(plan)).toEqual(['instance_rebuilt i1']);
    expect(plan.pins).toEqual([]);
  });

  it('retries a failed rebuild, then gives up after MAX_REBUILD_ATTEMPTS and stays quarantined', () => {
    let s = snapshot([answering('i1', 'v1', 'v2')]);
    for (let attempt = 1; attempt <= MAX_REBUILD_ATTEMPTS; attempt++) {
      const plan = planDrift({ ...s, rebuildId: `dep-r${attempt}` });
      expect(plan.rebuild?.operation.id).toBe(`dep-r${attempt}`);
      s = { ...applyDriftPlanTo(s, plan), activeOperation: undefined, activeTargets: [] }; // it ended, instance still on v1
    }
    const last = planDrift(s);
    expect(eventTypes(last)).toEqual(['instance_rebuild_failed i1']);
    s = applyDriftPlanTo(s, last);
    expect(s.instances[0]!.isolation?.rebuild?.gave_up).toBe(true);
    expect(planDrift(s).events).toEqual([]);
  });

  it('quarantine policy: isolated and left for a person, even once the version is right again', () => {
    let s = snapshot([answering('i1', 'v1', 'v2')], {}, { drift_policy: 'quarantine' });
    const plan = planDrift(s);
    expect(eventTypes(plan)).toEqual(['version_mismatch_detected i1', 'instance_quarantined i1']);
    s = applyDriftPlanTo(s, plan);
    const fixed = { ...makeInstance('i1', 'v2'), isolation: s.instances[0]!.isolation };
    expect(planDrift({ ...s, instances: [fixed] }).events).toEqual([]);
  });

  it('mark_unhealthy policy: status unhealthy while isolated, no rebuild', () => {
    const s = snapshot([answering('i1', 'v1', 'v2')], {}, { drift_policy: 'mark_unhealthy' });
    const plan = planDrift(s);
    expect(eventTypes(plan)).toEqual(['version_mismatch_detected i1', 'instance_marked_unhealthy i1']);
    const after = applyDriftPlanTo(s, plan).instances[0]!;
    expect(instanceStatus(after, { now: NOW, heartbeatS: HEARTBEAT_S, hostLastHeartbeatAt: NOW })).toBe('unhealthy');
  });

  it('rebuilds every drifted instance that should run the same version in one deployment', () => {
    const plan = planDrift(snapshot([answering('i1', 'v1', 'v2'), answering('i2', 'v3', 'v2'), answering('i3', 'v2', 'v1', {}, { pinned_version: 'v1' })]));
    expect(plan.rebuild?.operation.version).toBe('v2');
    expect(plan.rebuild?.targets.map((t) => t.instance_id)).toEqual(['i1', 'i2']);
    expect(plan.isolations.find((i) => i.instance_id === 'i3')?.isolation?.rebuild).toBeNull(); // waits for the lock
  });
});
