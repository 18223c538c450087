/**
 * Ferry's own `rollout` evidence, written by the real reconciler as a canary deployment
 * ends, in the same transaction as the ending: driven pass by pass on the in-memory store
 * with fake agents and the test's clock; nothing sleeps.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { StrategySpec } from '../../../core/types.js';
import { fakeAgents, type AgentBehaviour, type FakeAgents } from '../../../testing/fake-agents.js';
import { inMemoryServerContext } from '../../../testing/in-memory-server-context.js';
import { OperationReconciler } from '../../reconciler/operation-reconciler.js';
import type { ServerContext } from '../../server-context.js';
import { controlDeployment } from '../deployments/control-deployment.js';
import { createDeployment } from '../deployments/create-deployment.js';
import { registerRelease } from '../releases/release-service.js';
import { applyServiceSpec } from '../services/apply-service-spec.js';

const alice = { actor: 'alice', correlationId: 'corr-canary' };
const CANARY: StrategySpec = { type: 'canary', steps: [{ instances: 1, pause_s: 0 }], min_healthy_time_s: 0 };
let now = Date.UTC(2026, 0, 1);
let ctx: ServerContext;
let reconciler: OperationReconciler;
let agents: FakeAgents;

async function setUp(behaviour: Partial<AgentBehaviour> = {}): Promise<void> {
  const instances = await ctx.store.listInstances({ service: 'web' });
  agents = fakeAgents(instances, Object.fromEntries(instances.map((i) => [i.instance_id, behaviour])));
}

async function runToEnd(deployId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const status = (await ctx.store.getOperation(deployId))!.status;
    if (['succeeded', 'failed', 'rolled_back', 'aborted'].includes(status)) return status;
    await reconciler.reconcileOnce();
    now += 1000;
    for (const { instance_id, observation } of agents.tick(await ctx.store.listInstances({ service: 'web' }), now)) await ctx.store.recordObservation(instance_id, observation);
  }
  throw new Error('the deployment did not end within 100 passes');
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  ctx = inMemoryServerContext(() => now);
  reconciler = new OperationReconciler(ctx);
  await applyServiceSpec(ctx, 'web', { start: 'node server.js', instances: [7001, 7002].map((port) => ({ host: 'h1', port })) }, alice);
  await registerRelease(ctx, { service: 'web', version: '2.0.0', package_url: 'https://example.test/web-2.0.0.tgz', sha256: 'a'.repeat(64) }, alice);
});

describe('rollout evidence from canary deployments', () => {
  it('a canary that completes its steps healthy records rollout passed, from ferry, with an evidence_recorded event', async () => {
    await setUp();
    const deployment = await createDeployment(ctx, { service: 'web', version: '2.0.0', strategy: CANARY }, alice);
    expect(await runToEnd(deployment.id)).toBe('succeeded');
    const evidence = await ctx.store.listEvidence('web', '2.0.0');
    expect(evidence).toEqual([
      expect.objectContaining({ check: 'rollout', passed: true, source: 'ferry', summary: `canary ${deployment.id} completed its steps healthy`, details: { deploy_id: deployment.id }, correlation_id: 'corr-canary' }),
    ]);
    const events = await ctx.store.listAudit({ type: 'evidence_recorded' });
    expect(events).toEqual([expect.objectContaining({ service: 'web', version: '2.0.0', deploy_id: deployment.id, details: expect.objectContaining({ check: 'rollout', passed: true, source: 'ferry' }) })]);
  });

  it('a canary that fails and is rolled back records rollout failed with the reason', async () => {
    await setUp({ install: 'sha256_mismatch' });
    const deployment = await createDeployment(ctx, { service: 'web', version: '2.0.0', strategy: CANARY }, alice);
    const status = await runToEnd(deployment.id);
    expect(['failed', 'rolled_back']).toContain(status);
    const [record, ...rest] = await ctx.store.listEvidence('web', '2.0.0');
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ check: 'rollout', passed: false, source: 'ferry', details: { deploy_id: deployment.id, status } });
    expect(record!.summary).toMatch(new RegExp(`^canary ${deployment.id} ${status}: .+`));
  });

  it('an aborted canary records rollout failed: an aborted canary is no evidence of a healthy one', async () => {
    await setUp();
    const first = await createDeployment(ctx, { service: 'web', version: '2.0.0', strategy: CANARY }, alice);
    expect(await runToEnd(first.id)).toBe('succeeded');
    await registerRelease(ctx, { service: 'web', version: '3.0.0', package_url: 'https://example.test/web-3.0.0.tgz', sha256: 'a'.repeat(64) }, alice);
    const held = await createDeployment(ctx, { service: 'web', version: '3.0.0', strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }], min_healthy_time_s: 0 } }, alice);
    await reconciler.reconcileOnce();
    await controlDeployment(ctx, held.id, 'abort', { actor: 'bob', correlationId: 'corr-abort' });
    expect(await runToEnd(held.id)).toBe('aborted');
    expect(await ctx.store.listEvidence('web', '3.0.0')).toEqual([
      expect.objectContaining({ check: 'rollout', passed: false, source: 'ferry', summary: expect.stringMatching(new RegExp(`^canary ${held.id} aborted`)), details: expect.objectContaining({ deploy_id: held.id, status: 'aborted' }) }),
    ]);
  });

  it('a rolling deployment records no rollout evidence', async () => {
    await setUp();
    const deployment = await createDeployment(ctx, { service: 'web', version: '2.0.0', strategy: { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 } }, alice);
    expect(await runToEnd(deployment.id)).toBe('succeeded');
    expect(await ctx.store.listEvidence('web', '2.0.0')).toEqual([]);
  });
});
