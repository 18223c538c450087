/**
 * The one-click rollback preempting an active deployment, in process on the in-memory
 * store: the service is declared (applyServiceSpec), releases registered, a deployment
 * started (createDeployment) and moved by the reconcile step, then rollBackService takes
 * the service. Only the clock and the store's medium are fake.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { PREEMPTED_BY_ROLLBACK } from '../../../core/rollbacks/plan-preemption.js';
import type { RecordedEvent } from '../../../core/events/event-catalogue.js';
import { inMemoryServerContext } from '../../../testing/in-memory-server-context.js';
import type { ServerContext } from '../../server-context.js';
import { createDeployment } from '../deployments/create-deployment.js';
import { registerRelease } from '../releases/release-service.js';
import { reconcileOperation } from '../../reconciler/reconcile-operation.js';
import { applyServiceSpec } from '../services/apply-service-spec.js';
import { rollBackService } from './create-rollback.js';

const NOW = Date.UTC(2026, 0, 1);
const alice = { actor: 'alice', correlationId: 'corr-deploy' };
const carol = { actor: 'carol', correlationId: 'corr-rollback' };
let ctx: ServerContext;
let delivered: RecordedEvent[];

beforeEach(async () => {
  ctx = inMemoryServerContext(() => NOW);
  delivered = [];
  ctx.events.subscribe((event) => void delivered.push(event));
  await applyServiceSpec(ctx, 'web', { start: 'node server.js', instances: [7001, 7002, 7003].map((port) => ({ host: 'h1', port })) }, alice);
  for (const version of ['1.0.0', '2.0.0']) {
    await registerRelease(ctx, { service: 'web', version, package_url: `https://example.test/web-${version}.tgz`, sha256: 'a'.repeat(64) }, alice);
  }
  await ctx.store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: null, updated_at: NOW });
  // h1 keeps 1.0.0, so the rollback needs no download.
  await ctx.store.upsertHost({ host: 'h1', address: '127.0.0.1', agent_version: 'test', last_heartbeat_at: NOW, kept_releases: { web: ['1.0.0'] } });
});

describe('one-click rollback preemption', () => {
  it('aborts the running deployment, skips its unsettled targets, and the rollback gives every instance its goal', async () => {
    const deployment = await createDeployment(ctx, { service: 'web', version: '2.0.0', strategy: { type: 'rolling', batch_size: 1 } }, alice);
    await reconcileOperation(ctx.store, ctx.events, deployment.id, ctx.now);
    expect((await ctx.store.listTargets(deployment.id)).map((t) => t.status)).toEqual(['deploying', 'pending', 'pending']);

    const { operation: rollback } = await rollBackService(ctx, 'web', {}, carol);

    const aborted = await ctx.store.getOperation(deployment.id);
    expect(aborted).toMatchObject({ status: 'aborted', completed_at: NOW, reason: { code: PREEMPTED_BY_ROLLBACK, message: expect.stringContaining('carol') } });
    expect((await ctx.store.listTargets(deployment.id)).map((t) => t.status)).toEqual(['skipped', 'skipped', 'skipped']);
    const abortEvents = delivered.filter((e) => e.type === 'deploy_aborted');
    expect(abortEvents).toMatchObject([{ deploy_id: deployment.id, actor: 'carol', correlation_id: 'corr-rollback', details: { reason: { code: PREEMPTED_BY_ROLLBACK } } }]);
    expect(await ctx.store.listAudit({ type: 'deploy_aborted' })).toEqual(abortEvents);

    expect(rollback).toMatchObject({ kind: 'rollback', version: '1.0.0', status: 'pending' });
    await reconcileOperation(ctx.store, ctx.events, rollback.id, ctx.now);
    const goals = (await ctx.store.listInstances({ service: 'web' })).map((i) => [i.goal.version, i.goal.operation?.id]);
    expect(goals).toEqual([
      ['1.0.0', rollback.id],
      ['1.0.0', rollback.id],
      ['1.0.0', rollback.id],
    ]);
  });

  it('with no active deployment, aborts nothing and records no deploy_aborted', async () => {
    await rollBackService(ctx, 'web', { to_version: '1.0.0' }, carol);
    expect(delivered.filter((e) => e.type === 'deploy_aborted')).toEqual([]);
    expect((await ctx.store.listOperations({ service: 'web' })).map((o) => o.kind)).toEqual(['rollback']);
  });
});
