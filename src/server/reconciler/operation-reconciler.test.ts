/**
 * The reconcile loop's pass (`reconcileOnce`) in process on the in-memory store: a
 * deployment started by createDeployment, paused and resumed through controlDeployment,
 * carried to the end by passes of the real reconciler while fake agents work on the goals
 * it hands out. The clock is the test's; nothing sleeps.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeAgents, type FakeAgents } from '../../testing/fake-agents.js';
import { inMemoryServerContext } from '../../testing/in-memory-server-context.js';
import { controlDeployment } from '../features/deployments/control-deployment.js';
import { createDeployment } from '../features/deployments/create-deployment.js';
import { registerRelease } from '../features/releases/release-service.js';
import { applyServiceSpec } from '../features/services/apply-service-spec.js';
import type { ServerContext } from '../server-context.js';
import { OperationReconciler } from './operation-reconciler.js';
import { HollowBalancer } from '../../testing/hollow-balancer.js';
import { TrafficSync } from '../traffic/traffic-sync.js';

const alice = { actor: 'alice', correlationId: 'corr-1' };
let now = Date.UTC(2026, 0, 1);
let ctx: ServerContext;
let reconciler: OperationReconciler;
let agents: FakeAgents;

/** One reconciler pass, then a second of fake time in which every agent reports on its goal. */
async function passAndTick(): Promise<void> {
  await reconciler.reconcileOnce();
  now += 1000;
  for (const { instance_id, observation } of agents.tick(await ctx.store.listInstances({ service: 'web' }), now)) {
    await ctx.store.recordObservation(instance_id, observation);
  }
}

async function passUntil(done: () => Promise<boolean>, maxPasses = 100): Promise<void> {
  for (let i = 0; i < maxPasses && !(await done()); i++) await passAndTick();
  expect(await done()).toBe(true);
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  ctx = inMemoryServerContext(() => now);
  reconciler = new OperationReconciler(ctx);
  await applyServiceSpec(ctx, 'web', { start: 'node server.js', instances: [7001, 7002, 7003].map((port) => ({ host: 'h1', port })) }, alice);
  await registerRelease(ctx, { service: 'web', version: '2.0.0', package_url: 'https://example.test/web-2.0.0.tgz', sha256: 'a'.repeat(64) }, alice);
  agents = fakeAgents(await ctx.store.listInstances({ service: 'web' }));
});

describe('OperationReconciler.reconcileOnce', () => {
  it('carries a rolling deployment to success, holds it while paused, and moves the desired version', async () => {
    const deployment = await createDeployment(ctx, { service: 'web', version: '2.0.0', strategy: { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 } }, alice);
    const targets = async () => (await ctx.store.listTargets(deployment.id)).map((t) => t.status);
    await passUntil(async () => (await targets())[0] === 'succeeded');

    await controlDeployment(ctx, deployment.id, 'pause', alice);
    const pendingWhenPaused = (await targets()).filter((t) => t === 'pending').length;
    for (let i = 0; i < 5; i++) await passAndTick();
    // The batch in flight may finish; nothing new starts while paused.
    expect((await targets()).filter((t) => t === 'pending')).toHaveLength(pendingWhenPaused);
    expect(pendingWhenPaused).toBeGreaterThan(0);

    await controlDeployment(ctx, deployment.id, 'resume', alice);
    await passUntil(async () => (await ctx.store.getOperation(deployment.id))?.status === 'succeeded');
    expect(await targets()).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await ctx.store.getService('web')).toMatchObject({ desired_version: '2.0.0' });
    const running = (await ctx.store.listInstances({ service: 'web' })).map((i) => [i.observed?.version, i.goal.operation?.id]);
    expect(running).toEqual([
      ['2.0.0', deployment.id],
      ['2.0.0', deployment.id],
      ['2.0.0', deployment.id],
    ]);
    const types = (await ctx.store.listAudit({ deploy_id: deployment.id })).map((e) => e.type);
    expect(types[0]).toBe('deploy_started');
    expect(types).toEqual(expect.arrayContaining(['deploy_paused', 'deploy_resumed', 'instance_deployed']));
    expect(types.at(-1)).toBe('deploy_completed');
  });

  it('goes on with every operation while a silent balancer holds another service’s traffic sync', async () => {
    // A second service behind a balancer that never answers: its sync stays pending.
    await applyServiceSpec(ctx, 'lb', { start: 'node server.js', instances: [{ host: 'h1', port: 7101 }], traffic: { type: 'haproxy', socket: '/nowhere', backend: 'lb' } }, alice);
    const silent = new HollowBalancer();
    silent.observe = () => new Promise(() => undefined);
    ctx.traffic = new TrafficSync({ store: ctx.store, log: ctx.log, now: () => now, createAdapter: () => silent, retryMs: 5_000 });
    const deployment = await createDeployment(ctx, { service: 'web', version: '2.0.0', strategy: { type: 'rolling', batch_size: 3, min_healthy_time_s: 0 } }, alice);
    await passUntil(async () => (await ctx.store.getOperation(deployment.id))?.status === 'succeeded');
  });
});
