/**
 * Named scenarios for the planner, Nomad style: each builds a fleet, drives the
 * operation with a fake clock and fake agents (plan → apply → agents react → plan …),
 * and checks where it ended and what it did on the way.
 */
import { describe, expect, it } from 'vitest';
import type { Instance, OperationStatus, OperationTarget } from '../types.js';
import { makeInstance, makeInstances, makeOperation, makeService, makeTarget, T0 } from '../../testing/builders.js';
import { fakeAgents, type AgentBehaviour } from '../../testing/fake-agents.js';
import { planFor, reconcilePass, runToEnd, startFleet, type FleetState, type Pass } from '../../testing/fake-fleet.js';
import { isEmptyPlan } from './operation-plan.js';
import { planOperation } from './plan-operation.js';
import { SERVER_DEADLINE_SLACK_MS } from './target-progress.js';

function fleetOf(instances: Instance[], opts: Parameters<typeof startFleet>[0] extends infer O ? Omit<O, 'instances'> : never = {}): Promise<FleetState> {
  // These scenarios are written for all at once; the default strategy (rolling 25%) has its own tests.
  const allAtOnce = opts.strategy === undefined && !opts.service?.strategy ? { strategy: { type: 'all_at_once' } as const } : {};
  return startFleet({ instances, timeout_s: 30, ...allAtOnce, ...opts });
}

async function run(state: FleetState, agents: Record<string, Partial<AgentBehaviour>> = {}, stepMs = 1000): Promise<Pass[]> {
  const passes = await runToEnd(state, fakeAgents(state.instances.values(), agents), { stepMs });
  expect(passes.length).toBeLessThan(500);
  return passes;
}

const targetOf = (state: FleetState, id: string): OperationTarget => {
  const target = state.targets.find((t) => t.instance_id === id);
  if (!target) throw new Error(`no target ${id}`);
  return target;
};
const instanceOf = (state: FleetState, id: string): Instance => {
  const instance = state.instances.get(id);
  if (!instance) throw new Error(`no instance ${id}`);
  return instance;
};
const probed = (state: FleetState): Record<string, string | null> =>
  Object.fromEntries([...state.instances.values()].map((i) => [i.instance_id, i.observed?.version ?? null]));
const statuses = (state: FleetState): Record<string, string> => Object.fromEntries(state.targets.map((t) => [t.instance_id, t.status]));
const eventTypes = (state: FleetState): string[] => state.events.map((e) => e.type);
const opStatuses = (passes: Pass[]): OperationStatus[] => passes.map((p) => p.after.operation.status).filter((s, i, all) => s !== all[i - 1]);

describe('planOperation', () => {
  it('planOperation: all at once starts every target', async () => {
    const state = await fleetOf(makeInstances(4, '1.0.0'));
    const plan = planFor(state);

    expect(plan.operation).toMatchObject({ status: 'running' });
    expect(plan.goals).toHaveLength(4);
    for (const { goal } of plan.goals) expect(goal).toEqual({ version: '2.0.0', generation: 2, action: 'run', timeout_s: 30 });
    expect(plan.targets.map((t) => [t.instance_id, t.status, t.attempts, t.started_at])).toEqual([
      ['i1', 'deploying', 1, T0],
      ['i2', 'deploying', 1, T0],
      ['i3', 'deploying', 1, T0],
      ['i4', 'deploying', 1, T0],
    ]);
    expect(plan.serviceVersions).toBeNull();
  });

  it('planOperation: with no strategy anywhere, rolls a quarter at a time (at least one), never all at once', async () => {
    const fleet = await startFleet({ instances: makeInstances(4, '1.0.0'), timeout_s: 30 });
    expect(fleet.operation.strategy).toEqual({ type: 'rolling', batch_percent: 25 });
    const four = planFor(fleet);
    expect(four.targets.filter((t) => t.status === 'deploying').map((t) => t.instance_id)).toEqual(['i1']);
    const two = planFor(await startFleet({ instances: makeInstances(2, '1.0.0'), timeout_s: 30 }));
    expect(two.targets.filter((t) => t.status === 'deploying')).toHaveLength(1);
  });

  it('planOperation: success moves desired version and previous', async () => {
    const service = makeService({ desired_version: '1.0.0', previous_version: '0.9.0' });
    const state = await fleetOf(makeInstances(3, '1.0.0'), { service });
    const passes = await run(state);

    expect(state.operation.status).toBe('succeeded');
    expect(state.operation.completed_at).toBe(state.now);
    expect(state.service).toEqual({ desired_version: '2.0.0', previous_version: '1.0.0' });
    expect(probed(state)).toEqual({ i1: '2.0.0', i2: '2.0.0', i3: '2.0.0' });
    expect(state.targets.every((t) => t.status === 'succeeded' && t.changed)).toBe(true);
    expect(opStatuses(passes)).toEqual(['running', 'succeeded']);
    // The desired version moves in the very pass that ends the operation, not before.
    const moved = passes.filter((p) => p.plan.serviceVersions !== null);
    expect(moved).toHaveLength(1);
    expect(moved[0]?.plan.operation?.status).toBe('succeeded');
    expect(eventTypes(state)).toEqual(['instance_deployed', 'instance_deployed', 'instance_deployed', 'deploy_completed']);
  });

  it('planOperation: first deployment of a fresh fleet sets desired and leaves previous null', async () => {
    const state = await fleetOf(makeInstances(2, null));
    await run(state);
    expect(state.operation.status).toBe('succeeded');
    expect(state.service).toEqual({ desired_version: '2.0.0', previous_version: null });
  });

  it('planOperation: partial deployment pins instead', async () => {
    const service = makeService({ desired_version: '1.0.0', previous_version: null });
    const state = await fleetOf(makeInstances(4, '1.0.0'), { service, instanceIds: ['i1', 'i3'] });
    await run(state);

    expect(state.operation.status).toBe('succeeded');
    expect(state.operation.whole_service).toBe(false);
    expect(state.service).toEqual({ desired_version: '1.0.0', previous_version: null });
    expect([...state.instances.values()].map((i) => [i.instance_id, i.pinned_version])).toEqual([
      ['i1', '2.0.0'],
      ['i2', null],
      ['i3', '2.0.0'],
      ['i4', null],
    ]);
    expect(probed(state)).toEqual({ i1: '2.0.0', i2: '1.0.0', i3: '2.0.0', i4: '1.0.0' });
  });

  it('planOperation: whole-service success clears pins', async () => {
    const instances = makeInstances(3, '1.0.0');
    instances[1] = makeInstance('i2', '1.5.0', { pinned_version: '1.5.0' });
    const state = await fleetOf(instances, { service: makeService({ desired_version: '1.0.0' }) });
    await run(state);

    expect(state.operation.status).toBe('succeeded');
    expect([...state.instances.values()].map((i) => i.pinned_version)).toEqual([null, null, null]);
    expect(targetOf(state, 'i2').from_version).toBe('1.5.0');
  });

  it('planOperation: restart keeps versions and never moves desired', async () => {
    const instances = [makeInstance('i1', '1.0.0'), makeInstance('i2', '0.9.0', { pinned_version: '0.9.0' })];
    const pidsBefore = instances.map((i) => i.observed?.pid);
    const service = makeService({ desired_version: '1.0.0', previous_version: '0.9.0' });
    const state = await fleetOf(instances, { service, kind: 'restart', version: null });
    const first = planFor(state);

    expect(first.goals.map((g) => [g.instance_id, g.goal.version, g.goal.action])).toEqual([
      ['i1', '1.0.0', 'restart'],
      ['i2', '0.9.0', 'restart'],
    ]);
    await run(state);
    expect(state.operation.status).toBe('succeeded');
    expect(state.service).toEqual({ desired_version: '1.0.0', previous_version: '0.9.0' });
    expect(probed(state)).toEqual({ i1: '1.0.0', i2: '0.9.0' });
    expect(instanceOf(state, 'i2').pinned_version).toBe('0.9.0');
    expect([...state.instances.values()].map((i) => i.observed?.pid)).not.toEqual(pidsBefore);
    expect(state.events.at(-1)).toMatchObject({ type: 'deploy_completed', version: null });
  });

  it('planOperation: sha256 mismatch on every instance ends failed with no revert', async () => {
    const state = await fleetOf(makeInstances(3, '1.0.0'), { service: makeService({ desired_version: '1.0.0' }) });
    const passes = await run(state, { i1: { install: 'sha256_mismatch' }, i2: { install: 'sha256_mismatch' }, i3: { install: 'sha256_mismatch' } });

    expect(state.operation.status).toBe('failed');
    expect(state.operation.reason?.code).toBe('sha256_mismatch');
    expect(state.operation.reason?.message).toContain('i1');
    expect(statuses(state)).toEqual({ i1: 'failed', i2: 'failed', i3: 'failed' });
    expect(state.targets.some((t) => t.changed)).toBe(false);
    expect(opStatuses(passes)).not.toContain('rolling_back');
    // No goal after the first pass: nothing was asked to go back.
    expect(passes.slice(1).flatMap((p) => p.plan.goals)).toEqual([]);
    expect(probed(state)).toEqual({ i1: '1.0.0', i2: '1.0.0', i3: '1.0.0' });
    expect(state.service.desired_version).toBe('1.0.0');
    expect(state.events.at(-1)).toMatchObject({ type: 'deploy_failed', details: { rolled_back: false } });
  });

  it('planOperation: version mismatch after switch rolls back changed instances and ends rolled_back', async () => {
    const service = makeService({ desired_version: '1.0.0', previous_version: '0.9.0' });
    const state = await fleetOf(makeInstances(3, '1.0.0'), { service });
    const passes = await run(state, { i2: { install: 'version_mismatch', probedVersion: '1.0.0-dirty' } });

    expect(state.operation.status).toBe('rolled_back');
    expect(state.operation.reason).toMatchObject({ code: 'version_mismatch' });
    expect(state.operation.reason?.message).toContain('i2');
    expect(opStatuses(passes)).toEqual(['running', 'rolling_back', 'rolled_back']);
    expect(statuses(state)).toEqual({ i1: 'reverted', i2: 'reverted', i3: 'reverted' });
    expect(probed(state)).toEqual({ i1: '1.0.0', i2: '1.0.0', i3: '1.0.0' });
    expect(state.service).toEqual({ desired_version: '1.0.0', previous_version: '0.9.0' });
    const revertGoals = passes.find((p) => p.plan.operation?.status === 'rolling_back')?.plan.goals ?? [];
    expect(revertGoals.map((g) => [g.instance_id, g.goal.version, g.goal.action])).toEqual([
      ['i1', '1.0.0', 'run'],
      ['i2', '1.0.0', 'run'],
      ['i3', '1.0.0', 'run'],
    ]);
    expect(eventTypes(state).slice(-3)).toEqual(['instance_reverted', 'rollback_completed', 'deploy_failed']);
    expect(state.events.at(-1)).toMatchObject({ details: { rolled_back: true } });
  });

  it('planOperation: revert touches only targets that changed (rolling 1: i1 done, i2 sha mismatch, i3 never started)', async () => {
    const state = await fleetOf(makeInstances(3, '1.0.0'), { strategy: { type: 'rolling', batch_size: 1 } });
    const passes = await run(state, { i2: { install: 'sha256_mismatch' } });

    expect(state.operation.status).toBe('rolled_back');
    expect(statuses(state)).toEqual({ i1: 'reverted', i2: 'failed', i3: 'skipped' });
    const reverting = passes.flatMap((p) => p.plan.targets.filter((t) => t.status === 'reverting').map((t) => t.instance_id));
    expect(reverting).toEqual(['i1']);
    expect(probed(state)).toEqual({ i1: '1.0.0', i2: '1.0.0', i3: '1.0.0' });
  });

  it('planOperation: a revert returns a never-deployed instance to nothing (goal version null)', async () => {
    const instances = [makeInstance('i1', '1.0.0'), makeInstance('i2', null)];
    const state = await fleetOf(instances, { service: makeService({ desired_version: '1.0.0' }) });
    const passes = await run(state, { i1: { install: 'version_mismatch' } });

    expect(state.operation.status).toBe('rolled_back');
    const revert = passes.find((p) => p.plan.operation?.status === 'rolling_back');
    expect(revert?.plan.goals.find((g) => g.instance_id === 'i2')?.goal.version).toBeNull();
    expect(instanceOf(state, 'i2').observed).toMatchObject({ status: 'stopped', version: null });
  });

  it('planOperation: failure waits for in-flight targets before deciding', async () => {
    const state = await fleetOf(makeInstances(2, '1.0.0'));
    const passes = await run(state, { i1: { install: 'sha256_mismatch' }, i2: { latencyTicks: 4 } });

    const failedAt = passes.findIndex((p) => p.after.targets.some((t) => t.status === 'failed'));
    const decidedAt = passes.findIndex((p) => p.after.operation.status !== 'running');
    expect(failedAt).toBeGreaterThan(0);
    expect(decidedAt).toBeGreaterThan(failedAt);
    for (const p of passes.slice(failedAt, decidedAt)) {
      expect(p.after.operation.status).toBe('running');
      expect(p.plan.goals).toEqual([]);
    }
    // i2 finished (changed) before the decision, so the revert covers it and only it.
    expect(passes[decidedAt]?.before.targets.find((t) => t.instance_id === 'i2')?.status).toBe('deploying');
    expect(passes[decidedAt]?.plan.goals.map((g) => g.instance_id)).toEqual(['i2']);
    expect(state.operation.status).toBe('rolled_back');
    expect(statuses(state)).toEqual({ i1: 'failed', i2: 'reverted' });
  });

  it('planOperation: retry_count retries a failed attempt with a new generation', async () => {
    const state = await fleetOf(makeInstances(2, '1.0.0'), { retry_count: 2 });
    const passes = await run(state, { i1: { failFirst: 2 } });

    expect(state.operation.status).toBe('succeeded');
    expect(targetOf(state, 'i1')).toMatchObject({ status: 'succeeded', attempts: 3, generation: 4 });
    expect(targetOf(state, 'i2')).toMatchObject({ status: 'succeeded', attempts: 1, generation: 2 });
    const i1Goals = passes.flatMap((p) => p.plan.goals.filter((g) => g.instance_id === 'i1').map((g) => g.goal.generation));
    expect(i1Goals).toEqual([2, 3, 4]);
    const retries = state.events.filter((e) => e.type === 'instance_retry');
    expect(retries.map((e) => e.instance_id)).toEqual(['i1', 'i1']);
    expect(retries[0]?.details.reason).toMatchObject({ code: 'download_failed' });
  });

  it('planOperation: instance_retry events number the attempt being started (2, then 3)', async () => {
    const state = await fleetOf(makeInstances(1, '1.0.0'), { retry_count: 2 });
    await run(state, { i1: { failFirst: 2 } });
    expect(targetOf(state, 'i1').attempts).toBe(3);
    const attempts = state.events.filter((e) => e.type === 'instance_retry').map((e) => e.details.attempt);
    expect(attempts).toEqual([2, 3]);
  });

  it('planOperation: retries exhausted fails the target with the last reason', async () => {
    const state = await fleetOf(makeInstances(1, '1.0.0'), { retry_count: 1 });
    await run(state, { i1: { failFirst: 5 } });
    expect(state.operation.status).toBe('failed');
    expect(targetOf(state, 'i1')).toMatchObject({ status: 'failed', attempts: 2, reason: { code: 'download_failed' } });
  });

  it('planOperation: agent silent past deadline fails with healthy_deadline_exceeded', async () => {
    const state = await fleetOf(makeInstances(2, '1.0.0'), { strategy: { type: 'all_at_once', auto_rollback: false }, timeout_s: 10 });
    const passes = await run(state, { i2: { silent: true } });

    expect(state.operation.status).toBe('failed');
    expect(state.operation.reason?.code).toBe('healthy_deadline_exceeded');
    expect(state.operation.reason?.message).toContain('i2');
    const failedPass = passes.find((p) => p.plan.targets.some((t) => t.status === 'failed'));
    // Not before the 10 s deadline plus the server's slack, and at the first pass after it.
    expect(failedPass?.before.now).toBe(T0 + 10_000 + SERVER_DEADLINE_SLACK_MS + 1000);
  });

  it('planOperation: a silent agent is still in progress exactly at the deadline and failed 1 ms after', () => {
    const operation = makeOperation({ status: 'running', timeout_s: 10, auto_rollback: false });
    const instance = makeInstance('i1', '1.0.0', { goal: { version: '2.0.0', generation: 2, action: 'run', timeout_s: 10 } });
    const target = makeTarget('i1', '1.0.0', '2.0.0', { status: 'deploying', attempts: 1, generation: 2, started_at: T0 });
    const at = (now: number) =>
      planOperation({ operation, targets: [target], instances: new Map([['i1', instance]]), service: { desired_version: '1.0.0', previous_version: null }, now });

    expect(isEmptyPlan(at(T0 + 10_000 + SERVER_DEADLINE_SLACK_MS))).toBe(true);
    const late = at(T0 + 10_000 + SERVER_DEADLINE_SLACK_MS + 1);
    expect(late.targets[0]).toMatchObject({ status: 'failed', changed: true, reason: { code: 'healthy_deadline_exceeded' } });
  });

  it('planOperation: a silent agent under auto_rollback is owed a revert (it may have switched), which also times out', async () => {
    const state = await fleetOf(makeInstances(1, '1.0.0'), { timeout_s: 5 });
    const passes = await run(state, { i1: { silent: true } });
    expect(opStatuses(passes)).toEqual(['running', 'rolling_back', 'failed']);
    expect(state.operation.reason?.code).toBe('rollback_failed');
    expect(targetOf(state, 'i1')).toMatchObject({ status: 'revert_failed', reason: { code: 'healthy_deadline_exceeded' } });
  });

  it('planOperation: rollback kind never auto-reverts', async () => {
    const service = makeService({ desired_version: '2.0.0', previous_version: '1.0.0' });
    const state = await fleetOf(makeInstances(3, '2.0.0'), { service, kind: 'rollback', version: '1.0.0' });
    expect(state.operation.auto_rollback).toBe(false);
    const passes = await run(state, { i3: { install: 'version_mismatch' } });

    expect(state.operation.status).toBe('failed');
    expect(opStatuses(passes)).not.toContain('rolling_back');
    expect(state.targets.some((t) => t.status === 'reverting' || t.status === 'reverted')).toBe(false);
    expect(passes.slice(1).flatMap((p) => p.plan.goals)).toEqual([]);
    expect(state.service).toEqual({ desired_version: '2.0.0', previous_version: '1.0.0' });
    expect(state.events.at(-1)).toMatchObject({ type: 'rollback_failed' });
  });

  it('planOperation: rollback kind does not revert even when the operation says auto_rollback', () => {
    const operation = makeOperation({ kind: 'rollback', status: 'running', auto_rollback: true, version: '1.0.0' });
    const instance = makeInstance('i1', '2.0.0', {
      goal: { version: '1.0.0', generation: 2, action: 'run', timeout_s: 30 },
      observed: { status: 'ready', version: 'bogus', pid: 2, achieved_generation: 2, outcome: { generation: 2, ok: false, code: 'version_mismatch', message: 'x', switched: true }, at: T0 },
    });
    const target = makeTarget('i1', '2.0.0', '1.0.0', { status: 'deploying', attempts: 1, generation: 2, started_at: T0 });
    const plan = planOperation({ operation, targets: [target], instances: new Map([['i1', instance]]), service: { desired_version: '2.0.0', previous_version: '1.0.0' }, now: T0 + 1000 });
    expect(plan.operation).toMatchObject({ status: 'failed', completed: true });
    expect(plan.goals).toEqual([]);
  });

  it('planOperation: a rollback that succeeds keeps the reason it was started with (a rollback trigger\'s)', async () => {
    const service = makeService({ desired_version: '2.0.0', previous_version: '1.0.0' });
    const reason = { code: 'rollback_triggered', message: 'the success rate of 2.0.0 is 0.2', trigger: 'analysis' };
    const state = await fleetOf(makeInstances(2, '2.0.0'), { service, kind: 'rollback', version: '1.0.0', reason });
    await run(state);
    expect(state.operation).toMatchObject({ status: 'succeeded', reason });
  });

  it('planOperation: whole-service rollback success moves desired back and previous forward', async () => {
    const service = makeService({ desired_version: '2.0.0', previous_version: '1.0.0' });
    const state = await fleetOf(makeInstances(2, '2.0.0'), { service, kind: 'rollback', version: '1.0.0' });
    await run(state);
    expect(state.operation.status).toBe('succeeded');
    expect(state.service).toEqual({ desired_version: '1.0.0', previous_version: '2.0.0' });
    expect(state.events.at(-1)).toMatchObject({ type: 'rollback_completed', version: '1.0.0' });
  });

  it('planOperation: rolling batch_size 2 never has more than 2 deploying', async () => {
    const state = await fleetOf(makeInstances(5, '1.0.0'), { strategy: { type: 'rolling', batch_size: 2 } });
    const passes = await run(state, { i1: { latencyTicks: 3 }, i2: { latencyTicks: 1 }, i4: { latencyTicks: 2 } });

    const deploying = passes.map((p) => p.after.targets.filter((t) => t.status === 'deploying').length);
    expect(Math.max(...deploying)).toBe(2);
    expect(deploying[0]).toBe(2);
    expect(state.operation.status).toBe('succeeded');
    // A freed slot is refilled in the pass that frees it: i2 finishes first, so i3 starts before i1 ends.
    const startOrder = passes.flatMap((p) => p.plan.targets.filter((t) => t.status === 'deploying').map((t) => t.instance_id));
    expect(startOrder).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
  });

  it('planOperation: revert failure ends failed with rollback_failed', async () => {
    const state = await fleetOf(makeInstances(2, '1.0.0'));
    const passes = await run(state, { i1: { kept: 'fails' }, i2: { install: 'version_mismatch' } });

    expect(opStatuses(passes)).toEqual(['running', 'rolling_back', 'failed']);
    expect(state.operation.reason?.code).toBe('rollback_failed');
    expect(state.operation.reason?.message).toContain('i1');
    expect(statuses(state)).toEqual({ i1: 'revert_failed', i2: 'reverted' });
    expect(state.events.map((e) => e.type)).toContain('instance_revert_failed');
    expect(state.events.at(-1)).toMatchObject({ type: 'deploy_failed', details: { rolled_back: false } });
  });

  it.each<OperationStatus>(['succeeded', 'failed', 'rolled_back', 'aborted'])(
    'planOperation: terminal operations produce empty plans (%s)',
    (status) => {
      const operation = makeOperation({ status });
      const instance = makeInstance('i1', '1.0.0');
      // Even with work that would otherwise be due: a pending target and a settled in-flight one.
      const targets = [makeTarget('i1', '1.0.0', '2.0.0'), makeTarget('i2', '1.0.0', '2.0.0', { status: 'deploying', generation: 1, started_at: T0 })];
      const plan = planOperation({ operation, targets, instances: new Map([['i1', instance]]), service: { desired_version: null, previous_version: null }, now: T0 + 3_600_000 });
      expect(isEmptyPlan(plan)).toBe(true);
    },
  );

  it('planOperation: a pass with nothing new to report is empty', async () => {
    const state = await fleetOf(makeInstances(2, '1.0.0'));
    await reconcilePass(state);
    state.now += 1000;
    expect(isEmptyPlan(planFor(state))).toBe(true);
    expect(isEmptyPlan((await reconcilePass(state)).plan)).toBe(true);
  });

  it('planOperation: events carry deploy id, actor and correlation id', async () => {
    const state = await fleetOf(makeInstances(3, '1.0.0'), { id: 'dep-42', retry_count: 1 });
    await run(state, { i1: { failFirst: 1 }, i2: { install: 'version_mismatch' } });

    expect(state.events.length).toBeGreaterThan(4);
    for (const event of state.events) {
      expect(event).toMatchObject({ deploy_id: 'dep-42', actor: 'alice', correlation_id: 'corr-1', service: 'hello' });
      expect(event.details.kind).toBe('deploy');
    }
    const perInstance = state.events.filter((e) => e.type.startsWith('instance_'));
    expect(perInstance.every((e) => e.instance_id !== null)).toBe(true);
  });
});

describe('planOperation: batches', () => {
  it('a target whose instance is gone stops the batch instead of starting the next target', () => {
    const operation = makeOperation({ strategy: { type: 'rolling', batch_size: 2 } });
    const targets = [makeTarget('gone', '1.0.0', '2.0.0'), makeTarget('i1', '1.0.0', '2.0.0')];
    const plan = planOperation({ operation, targets, instances: new Map([['i1', makeInstance('i1', '1.0.0')]]), service: { desired_version: '1.0.0', previous_version: null }, now: T0 });
    expect(plan.targets.find((t) => t.instance_id === 'gone')?.status).toBe('failed');
    expect(plan.goals).toEqual([]);
  });

  it('restart of a rolling batch_size 1 service restarts one instance at a time', async () => {
    const service = makeService({ desired_version: '1.0.0', strategy: { type: 'rolling', batch_size: 1 } });
    const state = await fleetOf(makeInstances(3, '1.0.0'), { service, kind: 'restart', version: null });
    expect(planFor(state).goals).toHaveLength(1);
  });
});
