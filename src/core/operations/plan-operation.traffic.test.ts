/**
 * Named scenarios of rollouts behind a load balancer (CONTRACT §5): drain before a change,
 * back in traffic only after the health gate, adapter failures, rollback windows, canary
 * weights and the reaction to analysis verdicts. The server's own reconcile step and
 * traffic sync drive a hollow balancer; fake clock, fake agents with real behaviour.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisJudgement } from '../analysis/analysis-spec.js';
import type { Instance, StrategySpec } from '../types.js';
import { makeInstances, makeService } from '../../testing/builders.js';
import { fakeAgents, type FakeAgents } from '../../testing/fake-agents.js';
import { controlFleet, runToEnd, startFleet, type FleetState, type Pass } from '../../testing/fake-fleet.js';
import { HollowBalancer } from '../../testing/hollow-balancer.js';

interface Fleet {
  state: FleetState;
  agents: FakeAgents;
  balancer: HollowBalancer;
}

const HAPROXY = { type: 'haproxy' as const, socket: '/run/haproxy/admin.sock', backend: 'web' };

async function fleet(
  count: number,
  strategy: StrategySpec,
  opts: { kind?: 'deploy' | 'rollback'; drain_s?: number; rollback_batch_percent?: number; analysis?: () => AnalysisJudgement | undefined } = {},
): Promise<Fleet> {
  const instances: Instance[] = makeInstances(count, '1.0.0');
  const service = makeService({ desired_version: '1.0.0', traffic: HAPROXY, drain_s: opts.drain_s ?? 0, rollback_batch_percent: opts.rollback_batch_percent ?? null });
  const balancer = new HollowBalancer();
  const state = await startFleet({ instances, service, strategy, timeout_s: 30, balancer, ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.analysis ? { analysis: opts.analysis } : {}) });
  return { state, agents: fakeAgents(state.instances.values(), {}), balancer };
}

function runUntil(f: Fleet, until: (s: FleetState) => boolean = () => false, onPass?: (f: Fleet) => void): Promise<Pass[]> {
  return runToEnd(f.state, f.agents, {
    stepMs: 1000,
    maxPasses: 300,
    until: (s) => {
      onPass?.(f);
      return until(s);
    },
  });
}

const goalChangesOf = (passes: Pass[]) => passes.flatMap((p) => p.plan.goals.map((g) => g.instance_id));
const ROLLING_2: StrategySpec = { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 };

describe('rolling behind a load balancer', () => {
  it('drains each instance before its goal changes and returns it before the next batch drains', async () => {
    const f = await fleet(4, ROLLING_2);
    let fewestServing = Infinity;
    const passes = await runUntil(f, undefined, (x) => {
      fewestServing = Math.min(fewestServing, 4 - x.balancer.log.filter((l) => l.startsWith('drain')).length + x.balancer.log.filter((l) => l.startsWith('ready')).length);
    });
    expect(f.state.operation.status).toBe('succeeded');
    // Every goal change came after that instance's drain reached the balancer.
    for (const [n, pass] of passes.entries()) {
      for (const goal of pass.plan.goals) {
        const drainedBefore = passes.slice(0, n).some((p) => p.plan.traffic.some((t) => t.instance_id === goal.instance_id && t.state === 'drain'));
        expect(drainedBefore, `goal for ${goal.instance_id} at pass ${n}`).toBe(true);
      }
    }
    expect(f.balancer.log).toEqual(['drain i1', 'drain i2', 'ready i1 100', 'ready i2 100', 'drain i3', 'drain i4', 'ready i3 100', 'ready i4 100']);
    expect(fewestServing).toBeGreaterThanOrEqual(2);
    expect(f.balancer.serving().sort()).toEqual(['i1', 'i2', 'i3', 'i4']);
  });

  it('waits for open connections to end before it stops an instance, up to drain_s', async () => {
    const f = await fleet(2, { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 }, { drain_s: 10 });
    f.balancer.openConnections.set('i1', 3);
    const start = f.state.now;
    const early = await runUntil(f, (s) => s.now >= start + 5_000);
    expect(goalChangesOf(early)).not.toContain('i1');
    f.balancer.openConnections.set('i1', 0);
    const rest = await runUntil(f);
    expect(goalChangesOf(rest)[0]).toBe('i1');
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('stops a draining instance once drain_s passed, even with connections left', async () => {
    const f = await fleet(1, { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 }, { drain_s: 5 });
    f.balancer.openConnections.set('i1', 1);
    const passes = await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
    const drainPass = passes.findIndex((p) => p.plan.traffic.some((t) => t.state === 'drain'));
    const goalPass = passes.findIndex((p) => p.plan.goals.length > 0);
    expect(passes[goalPass]!.before.now - passes[drainPass]!.before.now).toBeGreaterThanOrEqual(5_000);
  });

  it('a drain the adapter refuses fails the step with traffic_adapter_failed and leaves nothing drained', async () => {
    const f = await fleet(2, ROLLING_2);
    f.balancer.failing = { action: 'drain', error: 'No such server.' };
    const passes = await runUntil(f);
    expect(f.state.operation.status).toBe('failed');
    expect(f.state.operation.reason?.code).toBe('traffic_adapter_failed');
    expect(f.state.operation.reason?.message).toContain('No such server.');
    expect(goalChangesOf(passes)).toEqual([]);
    expect([...f.state.instances.values()].map((i) => i.traffic?.intent.state)).toEqual(['ready', 'ready']);
  });

  it('re-applies a drain the balancer forgot in a reload', async () => {
    const f = await fleet(1, { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 }, { drain_s: 30 });
    f.balancer.openConnections.set('i1', 1);
    await runUntil(f, (s) => s.targets[0]?.status === 'draining' && f.balancer.servers.get('i1')?.state === 'drain');
    f.balancer.reload();
    await runUntil(f, () => f.balancer.servers.get('i1')?.state === 'drain');
    expect(f.balancer.log.filter((l) => l === 'drain i1')).toHaveLength(2);
  });

  it('a rollback changes at most rollback_batch_percent of the instances at once, so some instance always serves', async () => {
    const f = await fleet(4, { type: 'all_at_once' }, { kind: 'rollback', rollback_batch_percent: 50 });
    let mostDrained = 0;
    await runUntil(f, undefined, (x) => {
      mostDrained = Math.max(mostDrained, [...x.balancer.servers.values()].filter((s) => s.state === 'drain').length);
    });
    expect(f.state.operation.status).toBe('succeeded');
    expect(mostDrained).toBe(2);
  });

  it('a rollback of two instances with 100 percent still changes one at a time', async () => {
    const f = await fleet(2, { type: 'all_at_once' }, { kind: 'rollback', rollback_batch_percent: 100 });
    let mostDrained = 0;
    await runUntil(f, undefined, (x) => {
      mostDrained = Math.max(mostDrained, [...x.balancer.servers.values()].filter((s) => s.state === 'drain').length);
    });
    expect(mostDrained).toBe(1);
  });
});

describe('canary by weight', () => {
  it('weight 10 of 8 instances: one canary gets 10 % of the traffic, equal weights after promotion', async () => {
    const f = await fleet(8, { type: 'canary', steps: [{ weight: 10, pause: 'until_promoted' }], batch_size: 2, min_healthy_time_s: 0 });
    await runUntil(f, (s) => s.operation.status === 'paused');
    const weights = new Map([...f.balancer.servers.entries()].map(([id, s]) => [id, s.weight]));
    const canary = f.state.targets.filter((t) => t.status === 'succeeded').map((t) => t.instance_id);
    expect(canary).toHaveLength(1);
    const total = [...weights.values()].reduce((a, b) => a + b, 0);
    expect((100 * weights.get(canary[0]!)!) / total).toBeCloseTo(10, 0);
    await controlFleet(f.state, 'promote');
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
    expect(new Set([...f.balancer.servers.values()].map((s) => `${s.state} ${s.weight}`))).toEqual(new Set(['ready 100']));
  });
});

describe('analysis verdicts', () => {
  const judged = (state: AnalysisJudgement['state'], phase = 'step-1', dry_run = false): AnalysisJudgement => ({
    phase,
    state,
    dry_run,
    reason: state === 'failed' ? { code: 'analysis_failed', message: 'error_rate 0.2 is not < 0.05' } : state === 'inconclusive' ? { code: 'analysis_inconclusive', message: 'too few samples' } : null,
  });
  const canaryStep: StrategySpec = { type: 'canary', steps: [{ weight: 25 }], batch_size: 2, min_healthy_time_s: 0 };

  it('a canary step without a pause waits for its analysis and moves on by itself when it succeeds', async () => {
    let verdict = judged('running');
    const f = await fleet(4, canaryStep, { analysis: () => verdict });
    await runUntil(f, (s) => s.operation.status === 'paused');
    expect(f.state.operation.rollout.pause?.kind).toBe('analysis');
    const pausedAt = f.state.now;
    await runUntil(f, (s) => s.now > pausedAt + 10_000);
    expect(f.state.operation.status).toBe('paused');
    verdict = judged('successful');
    await runUntil(f, (s) => s.events.some((e) => e.type === 'deploy_promoted'));
    expect(f.state.events.filter((e) => e.type === 'deploy_promoted').map((e) => e.details.automatic)).toEqual([true]);
    // The batches after the last step are measured as their own phase.
    verdict = judged('successful', 'rolling');
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('a failed analysis rolls the canary back with analysis_failed before the next step', async () => {
    let verdict = judged('running');
    const f = await fleet(4, canaryStep, { analysis: () => verdict });
    await runUntil(f, (s) => s.operation.status === 'paused');
    verdict = judged('failed');
    await runUntil(f);
    expect(f.state.operation.status).toBe('rolled_back');
    expect(f.state.operation.reason?.code).toBe('analysis_failed');
    expect([...f.state.instances.values()].map((i) => i.observed?.version)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
    expect(new Set([...f.balancer.servers.values()].map((s) => `${s.state} ${s.weight}`))).toEqual(new Set(['ready 100']));
  });

  it('an inconclusive analysis pauses for a person, and a promotion continues', async () => {
    let verdict = judged('running');
    const f = await fleet(4, canaryStep, { analysis: () => verdict });
    await runUntil(f, (s) => s.operation.status === 'paused');
    verdict = judged('inconclusive');
    await runUntil(f, (s) => s.operation.rollout.pause?.kind === 'inconclusive');
    expect(f.state.events.some((e) => e.type === 'deploy_paused' && (e.details.reason as { code?: string } | undefined)?.code === 'analysis_inconclusive')).toBe(true);
    await controlFleet(f.state, 'promote');
    verdict = judged('successful', 'rolling');
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('a dry run records verdicts and never acts on them', async () => {
    const f = await fleet(4, canaryStep, { analysis: () => judged('failed', 'step-1', true) });
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('a verdict of another phase is not acted on', async () => {
    let verdict = judged('failed', 'step-1');
    const f = await fleet(4, { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 }, { analysis: () => verdict });
    await runUntil(f, (s) => s.operation.status === 'paused');
    expect(f.state.operation.rollout.pause?.kind).toBe('analysis');
    verdict = judged('successful', 'rolling');
    await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
  });

  it('a rolling deployment waits after its first batch for the analysis, then rolls the rest without waiting again', async () => {
    let verdict = judged('running', 'rolling');
    const f = await fleet(6, { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 }, { analysis: () => verdict });
    await runUntil(f, (s) => s.operation.status === 'paused');
    expect(f.state.operation.rollout.pause?.kind).toBe('analysis');
    expect(f.state.targets.filter((t) => t.status === 'succeeded')).toHaveLength(2);
    expect(f.state.targets.filter((t) => t.status === 'pending')).toHaveLength(4);
    verdict = judged('successful', 'rolling');
    const rest = await runUntil(f);
    expect(f.state.operation.status).toBe('succeeded');
    expect(rest.filter((p) => p.plan.operation?.status === 'paused')).toHaveLength(0);
  });

  it('a rolling deployment whose analysis fails after its first batch is rolled back, one window at a time, each instance drained first', async () => {
    let verdict = judged('running', 'rolling');
    const f = await fleet(4, { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 }, { analysis: () => verdict });
    await runUntil(f, (s) => s.operation.status === 'paused');
    verdict = { ...judged('failed', 'rolling') };
    let mostOut = 0;
    const passes = await runUntil(f, undefined, (x) => {
      mostOut = Math.max(mostOut, [...x.balancer.servers.values()].filter((s) => s.state === 'drain').length);
    });
    expect(f.state.operation.status).toBe('rolled_back');
    expect(f.state.operation.reason?.code).toBe('analysis_failed');
    expect(mostOut).toBeLessThanOrEqual(2);
    for (const [n, pass] of passes.entries()) {
      for (const goal of pass.plan.goals) {
        const drainedBefore = passes.slice(0, n).some((p) => p.plan.traffic.some((t) => t.instance_id === goal.instance_id && t.state === 'drain'));
        expect(drainedBefore, `revert goal for ${goal.instance_id} at pass ${n}`).toBe(true);
      }
    }
    expect(new Set([...f.balancer.servers.values()].map((s) => `${s.state} ${s.weight}`))).toEqual(new Set(['ready 100']));
  });
});
