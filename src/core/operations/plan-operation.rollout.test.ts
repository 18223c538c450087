/**
 * Named scenarios of the rollout engine: canary steps and promotion, health gates,
 * deadlines, the fleet-wide verification at the end, pause, resume and abort. Same
 * harness as plan-operation.test.ts: fake clock, fake agents with real behaviour.
 */
import { describe, expect, it } from 'vitest';
import type { Instance, OperationStatus, StrategySpec } from '../types.js';
import { makeInstances, makeService } from '../../testing/builders.js';
import { fakeAgents, type AgentBehaviour, type FakeAgents } from '../../testing/fake-agents.js';
import { controlFleet, drainBeforeReplace, reportObservation, runToEnd, setOpenSessions, startFleet, type FleetState, type Pass } from '../../testing/fake-fleet.js';
import { controlOperation, type OperationControl } from './operation-controls.js';

interface Fleet {
  state: FleetState;
  agents: FakeAgents;
}

async function fleet(count: number, strategy: StrategySpec, opts: { verify?: boolean; agents?: Record<string, Partial<AgentBehaviour>> } = {}): Promise<Fleet> {
  const instances: Instance[] = makeInstances(count, '1.0.0');
  const service = makeService({ desired_version: '1.0.0', verify: opts.verify ? [{ path: '/check' }] : [] });
  const state = await startFleet({ instances, service, strategy, timeout_s: 30 });
  return { state, agents: fakeAgents(state.instances.values(), opts.agents ?? {}) };
}

function runUntil(f: Fleet, until: (s: FleetState) => boolean = () => false, stepMs = 1000): Promise<Pass[]> {
  return runToEnd(f.state, f.agents, { stepMs, maxPasses: 400, until });
}

/** Pause, resume, promote or abort as an operator's request does it (controlDeployment). */
function control(f: Fleet, what: OperationControl): Promise<void> {
  return controlFleet(f.state, what);
}

const versions = (s: FleetState) => [...s.instances.values()].map((i) => i.observed?.version);
const statusesOf = (passes: Pass[]): OperationStatus[] => passes.map((p) => p.after.operation.status).filter((s, i, all) => s !== all[i - 1]);
const paused = (s: FleetState) => s.operation.status === 'paused';

describe('canary steps', () => {
  it('canary step of 1 instance, until_promoted: moves exactly one, pauses, and completes on promote', async () => {
    const f = await fleet(4, { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] });
    await runUntil(f, paused);
    expect(f.state.operation.rollout.pause?.kind).toBe('until_promoted');
    expect(versions(f.state).filter((v) => v === '2.0.0')).toHaveLength(1);
    expect(f.state.targets.filter((t) => t.status === 'pending')).toHaveLength(3);
    expect(f.state.service.desired_version).toBe('1.0.0');
    expect(f.state.events.map((e) => e.type)).toContain('deploy_paused');

    const more = await runUntil(f, () => false);
    expect(more.slice(1).every((p) => p.plan.goals.length === 0)).toBe(true); // paused: nothing starts without a promote
    await control(f, 'promote');
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
    expect(versions(f.state)).toEqual(['2.0.0', '2.0.0', '2.0.0', '2.0.0']);
    expect(f.state.service.desired_version).toBe('2.0.0');
  });

  it('percent steps with timed pauses end by themselves: 8 instances, 25% then 50% → 2, then 4, then the rest', async () => {
    const f = await fleet(8, { type: 'canary', steps: [{ percent: 25, pause_s: 10 }, { percent: 50, pause_s: 10 }], min_healthy_time_s: 0 });
    const passes = await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
    const startedAtPause = passes.filter((p) => p.plan.operation?.status === 'paused').map((p) => p.after.targets.filter((t) => t.status !== 'pending').length);
    expect(startedAtPause).toEqual([2, 4]);
    const promoted = f.state.events.filter((e) => e.type === 'deploy_promoted');
    expect(promoted.map((e) => e.details.automatic)).toEqual([true, true]);
  });

  it('a canary of the default shape pauses RELEASE_CANARY_DURATION_MIN after RELEASE_CANARY_RATIO of the instances', async () => {
    const f = await fleet(20, { type: 'canary' });
    await runUntil(f, paused);
    const pause = f.state.operation.rollout.pause;
    expect(f.state.targets.filter((t) => t.status === 'succeeded')).toHaveLength(2);
    expect(pause?.kind).toBe('timed');
    expect((pause?.until ?? 0) - (pause?.since ?? 0)).toBe(30 * 60_000);
  });
});

describe('health gates and deadlines', () => {
  it('rolling min_healthy_time_s 5 waits 5 s after a batch is healthy before the next', async () => {
    const f = await fleet(2, { type: 'rolling', batch_size: 1, min_healthy_time_s: 5 });
    const passes = await runUntil(f);
    const firstPass = (id: string, status: string) => passes.find((p) => p.plan.targets.some((t) => t.instance_id === id && t.status === status))?.before.now ?? NaN;
    expect(firstPass('i2', 'deploying') - firstPass('i1', 'healthy')).toBeGreaterThanOrEqual(5000);
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('an instance that stops being ready during its health gate fails the deployment, which is rolled back', async () => {
    const f = await fleet(3, { type: 'rolling', batch_size: 1, min_healthy_time_s: 5 });
    await runUntil(f, (s) => s.targets[0]?.status === 'healthy');
    const crashed = f.state.instances.get('i1')!;
    await reportObservation(f.state, 'i1', { ...crashed.observed!, status: 'crashed', version: null });
    await runUntil(f);
    expect(f.state.operation.status).toBe('rolled_back');
    expect(f.state.operation.reason).toMatchObject({ code: 'unhealthy_after_start' });
    expect(f.state.operation.reason?.message).toContain('i1');
    expect(f.state.targets.map((t) => t.status)).toEqual(['reverted', 'skipped', 'skipped']);
  });

  it('a deployment making no progress within progress_deadline_s fails at the deadline and returns what it touched', async () => {
    const f = await fleet(2, { type: 'all_at_once', progress_deadline_s: 5 }, { agents: { i2: { silent: true } } });
    const passes = await runUntil(f);
    // The silent host cannot be returned either, so the end is rollback_failed; the decision was the deadline's.
    expect(f.state.events.find((e) => e.type === 'rollback')?.details.reason).toMatchObject({ code: 'progress_deadline_exceeded' });
    expect(f.state.operation.reason?.message).toContain('progress_deadline_s 5 s');
    const decided = passes.find((p) => p.plan.operation?.status === 'rolling_back' || p.plan.operation?.status === 'failed');
    expect((decided?.before.now ?? Infinity) - f.state.operation.created_at).toBeLessThanOrEqual(7000);
  });
});

describe('fleet-wide verification at the end', () => {
  it('passes through verifying, probing every changed instance once more, then succeeds', async () => {
    const f = await fleet(3, { type: 'all_at_once' }, { verify: true });
    const passes = await runUntil(f);
    expect(statusesOf(passes)).toEqual(['running', 'verifying', 'succeeded']);
    expect(f.state.events.filter((e) => e.type === 'instance_verified')).toHaveLength(3);
  });

  it('a check failing at the end rolls every changed instance back to its old version', async () => {
    const f = await fleet(3, { type: 'all_at_once' }, { verify: true, agents: { i2: { verify: 'at_final_check' } } });
    const passes = await runUntil(f);
    expect(statusesOf(passes)).toEqual(['running', 'verifying', 'rolling_back', 'rolled_back']);
    expect(f.state.operation.reason).toMatchObject({ code: 'verify_failed' });
    expect(versions(f.state)).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    expect(f.state.service.desired_version).toBe('1.0.0');
  });
});

describe('pause, resume and abort', () => {
  it('a user pause lets the batch in flight finish and starts nothing more until resumed', async () => {
    const f = await fleet(4, { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 });
    await runUntil(f, (s) => s.targets[0]?.status === 'deploying');
    await control(f, 'pause');
    const whilePaused = await runUntil(f, (s) => s.targets[0]?.status === 'succeeded');
    const longer = await runUntil(f, () => false);
    expect([...whilePaused, ...longer].flatMap((p) => p.plan.goals)).toEqual([]);
    expect(f.state.targets.map((t) => t.status)).toEqual(['succeeded', 'pending', 'pending', 'pending']);
    await expect(control(f, 'promote')).rejects.toMatchObject({ code: 'not_awaiting_promotion' });
    await control(f, 'resume');
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('abort returns only the instances the deployment changed and ends aborted', async () => {
    const f = await fleet(4, { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 });
    await runUntil(f, (s) => s.targets[1]?.status === 'succeeded');
    expect(f.state.targets.map((t) => t.status)).toEqual(['succeeded', 'succeeded', 'deploying', 'pending']);
    await control(f, 'abort');
    const passes = await runUntil(f);
    expect(f.state.operation.status).toBe('aborted');
    expect(f.state.operation.reason).toMatchObject({ code: 'aborted' });
    // i3 was in flight: it settles first, then it goes back with the others; i4 is never touched.
    expect(f.state.targets.map((t) => t.status)).toEqual(['reverted', 'reverted', 'reverted', 'skipped']);
    expect(passes.flatMap((p) => p.plan.goals).map((g) => [g.instance_id, g.goal.version])).toEqual([
      ['i1', '1.0.0'],
      ['i2', '1.0.0'],
      ['i3', '1.0.0'],
    ]);
    expect(versions(f.state)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
    expect(f.state.events.at(-1)).toMatchObject({ type: 'deploy_aborted' });
  });
});

const base = (await fleet(2, { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] })).state.operation;

describe('controlOperation refusals', () => {
  it.each<[string, Partial<typeof base>, OperationControl, string]>([
    ['promote while running', { status: 'running' }, 'promote', 'not_awaiting_promotion'],
    ['resume while running', { status: 'running' }, 'resume', 'not_paused'],
    ['resume at a canary step', { status: 'paused', rollout: { ...base.rollout, pause: { kind: 'until_promoted', until: null, since: 0 } } }, 'resume', 'awaiting_promotion'],
    ['pause twice', { status: 'paused', rollout: { ...base.rollout, pause: { kind: 'user', until: null, since: 0 } } }, 'pause', 'already_paused'],
    ['abort a finished one', { status: 'succeeded' }, 'abort', 'deployment_finished'],
    ['pause a rollback', { kind: 'rollback', status: 'running' }, 'pause', 'not_a_deployment'],
    ['pause while rolling back', { status: 'rolling_back' }, 'pause', 'not_running'],
  ])('%s → %s', (_name, over, what, code) => {
    const decision = controlOperation({ ...base, ...over }, what, 'bob', 0);
    expect(decision.ok ? 'accepted' : decision.code).toBe(code);
  });

  it('a second abort is accepted and changes nothing', () => {
    const first = controlOperation({ ...base, status: 'running' }, 'abort', 'bob', 0);
    if (!first.ok) throw new Error('refused');
    const again = controlOperation({ ...base, status: 'running', rollout: first.change.rollout }, 'abort', 'bob', 1);
    expect(again).toMatchObject({ ok: true, change: { changed: false } });
  });
});

describe('drain before replace', () => {
  async function draining(sessions: Record<string, number>): Promise<Fleet> {
    const f = await fleet(2, { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 });
    await drainBeforeReplace(f.state, 30);
    for (const [instanceId, count] of Object.entries(sessions)) await setOpenSessions(f.state, instanceId, count);
    return f;
  }

  it('an instance with sessions drains first: no goal until its sessions end', async () => {
    const f = await draining({ i1: 2 });
    const first = await runUntil(f, (s) => s.targets[0]?.status === 'draining');
    expect(first.flatMap((p) => p.plan.goals)).toEqual([]);
    expect(f.state.events.map((e) => e.type)).toContain('instance_draining');
    const held = (await runUntil(f, () => false, 1000)).slice(0, 5);
    expect(held.flatMap((p) => p.plan.goals)).toEqual([]); // still 2 sessions, 5 s < drain_s
    await setOpenSessions(f.state, 'i1', 0);
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
    expect(versions(f.state)).toEqual(['2.0.0', '2.0.0']);
  });

  it('drain_s caps the wait when sessions never end', async () => {
    const f = await draining({ i1: 5 });
    const passes = await runUntil(f);
    const drainedAt = passes.find((p) => p.plan.targets.some((t) => t.instance_id === 'i1' && t.status === 'draining'))!.before.now;
    const changedAt = passes.find((p) => p.plan.goals.some((g) => g.instance_id === 'i1'))!.before.now;
    expect(changedAt - drainedAt).toBe(30_000);
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('an instance without sessions is changed at once, and a drained one that is never changed is skipped on abort', async () => {
    const f = await draining({ i2: 1 });
    await runUntil(f, (s) => s.targets[1]?.status === 'draining');
    expect(f.state.targets[0]?.status).toBe('succeeded');
    await control(f, 'abort');
    await runUntil(f);
    expect(f.state.operation.status).toBe('aborted');
    expect(f.state.targets.map((t) => t.status)).toEqual(['reverted', 'skipped']);
  });
});
