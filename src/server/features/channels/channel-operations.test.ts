/**
 * The operations behind channels, through app.inject (CONTRACT §4 Channels): a promotion is
 * a whole-service rolling deployment and a channel deploy is never a canary, whatever the
 * service's own strategy; and stable's history has a row for every whole-service deployment
 * or rollback, once, however it was asked for; and the canary keeps its pinned instance when
 * an instance is added before it by id.
 */
import { describe, expect, it } from 'vitest';
import { MIN, useChannelFixture } from './channel-route-fixtures.js';

const f = useChannelFixture();
const CANARY_STRATEGY = { strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }], healthy_deadline_s: 300 } };
const strategyOf = async (id: string) => (await f.store.getOperation(id))!.strategy;
const promote = () => f.call('POST', '/api/v1/services/web/channels/promote', { from: 'canary', to: 'stable', reason: 'soaked clean' });

/** Deploys 1.1.0 to canary, ends it succeeded and lets the 30-minute soak pass; returns the channel deploy's id. */
async function soakedCanary(): Promise<string> {
  const started = await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' });
  expect(started.status).toBe(202);
  f.now += MIN;
  await f.finish(started.body.deploy_id, 'succeeded');
  f.now += 31 * MIN;
  return started.body.deploy_id;
}

describe('the strategy of channel operations, for a service whose strategy is canary', () => {
  it('a channel deploy is a rolling deployment of the canary instances, keeping the service health deadline', async () => {
    await f.fleet(undefined, undefined, CANARY_STRATEGY);
    const deployId = await soakedCanary();
    expect(await strategyOf(deployId)).toEqual({ type: 'rolling', batch_percent: 25, healthy_deadline_s: 300 });
  });

  it('a promotion is a whole-service rolling deployment, not another paused canary', async () => {
    await f.fleet(undefined, undefined, CANARY_STRATEGY);
    await soakedCanary();
    const started = await promote();
    expect(started.status).toBe(202);
    const operation = (await f.store.getOperation(started.body.deploy_id))!;
    expect(operation).toMatchObject({ whole_service: true, strategy: { type: 'rolling', batch_percent: 25, healthy_deadline_s: 300 } });
    const deployment = (await f.call('GET', `/api/v1/deployments/${started.body.deploy_id}`)).body;
    expect(deployment.instances).toHaveLength(4);
  });

  it('a rolling service strategy is kept by both', async () => {
    const rolling = { type: 'rolling', batch_size: 2 };
    await f.fleet(undefined, undefined, { strategy: rolling });
    expect(await strategyOf(await soakedCanary())).toEqual(rolling);
    expect(await strategyOf((await promote()).body.deploy_id)).toEqual(rolling);
  });
});

describe("stable's history: every whole-service deployment and rollback, once", () => {
  it('a plain whole-service deployment writes a stable row (reason null) and moves updated_at', async () => {
    await f.fleet();
    f.now += 5 * MIN;
    const started = await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0' });
    expect(started.status).toBe(202);
    const operation = (await f.store.getOperation(started.body.deploy_id))!;
    const stable = await f.channel('stable');
    expect(stable.updated_at).toBe(new Date(f.now).toISOString());
    expect(stable.history).toEqual([
      expect.objectContaining({ version: '1.1.0', actor: 'admin:ana', reason: null, correlation_id: operation.correlation_id, deploy_id: operation.id, soak_started_at: null }),
    ]);
    f.now += MIN;
    await f.finish(operation.id, 'succeeded');
    expect(await f.channel('stable')).toMatchObject({ version: '1.1.0', history: [{ soak_started_at: new Date(f.now).toISOString() }] });
    expect((await f.channel('canary')).history).toEqual([]);
  });

  it('writes nothing for a partial deployment, a dry run, a refused one, or a replayed deploy_id', async () => {
    await f.fleet();
    expect((await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', dry_run: true })).status).toBe(200);
    const partial = await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', instances: ['web-h1-7003'], deploy_id: 'd-partial' });
    expect(partial.status).toBe(202);
    expect((await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0' })).status).toBe(409);
    expect((await f.channel('stable')).history).toEqual([]);
    await f.finish('d-partial', 'succeeded');
    expect((await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', deploy_id: 'd-whole' })).status).toBe(202);
    expect((await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', deploy_id: 'd-whole' })).status).toBe(202);
    expect((await f.channel('stable')).history.map((row) => row.deploy_id)).toEqual(['d-whole']);
  });

  it('the one-click rollback writes a stable row with its reason; a rollback of one instance writes none', async () => {
    await f.fleet();
    await f.store.setServiceVersions('web', { desired_version: '1.1.0', previous_version: '1.0.0', updated_at: f.now });
    const one = await f.call('POST', '/api/v1/rollbacks/instance', { instance_id: 'web-h1-7002', target_version: '1.0.0' });
    expect(one.status).toBe(202);
    await f.finish(one.body.rollback_id, 'succeeded');
    expect((await f.channel('stable')).history).toEqual([]);
    const started = await f.call('POST', '/api/v1/services/web/rollback', { to_version: '1.0.0', reason: 'errors spiking' });
    expect(started.status).toBe(202);
    expect((await f.channel('stable')).history).toEqual([expect.objectContaining({ version: '1.0.0', actor: 'admin:ana', reason: 'errors spiking', deploy_id: started.body.rollback_id })]);
  });

  it('a promotion and an emergency rollback of stable each write exactly one stable row', async () => {
    await f.fleet();
    await soakedCanary();
    const promoted = await promote();
    expect(promoted.status).toBe(202);
    f.now += MIN;
    await f.finish(promoted.body.deploy_id, 'succeeded');
    const rolledBack = await f.call('POST', '/api/v1/services/web/channels/stable/rollback', { to_version: '1.0.0', reason: 'errors after promotion' });
    expect(rolledBack.status).toBe(202);
    const rows = (await f.channel('stable')).history;
    expect(rows.map((row) => [row.version, row.reason, row.deploy_id])).toEqual([
      ['1.0.0', 'errors after promotion', rolledBack.body.rollback_id],
      ['1.1.0', 'soaked clean', promoted.body.deploy_id],
    ]);
  });
});

describe('a channel keeps its instances when the instance list changes', () => {
  it('an instance added before the canary by id joins stable; the canary keeps its pinned instance and version', async () => {
    await f.fleet();
    await soakedCanary();
    const spec = { start: 'node server.js', channels: { canary: { instances: 1, min_soak_minutes: 30 } }, instances: [7000, 7001, 7002, 7003, 7004].map((port) => ({ host: 'h1', port })) };
    expect((await f.call('PUT', '/api/v1/services/web', spec)).status).toBe(200);
    expect(await f.channel('canary')).toMatchObject({ version: '1.1.0', instances: ['web-h1-7001'] });
    expect(await f.channel('stable')).toMatchObject({ version: '1.0.0', instances: ['web-h1-7000', 'web-h1-7002', 'web-h1-7003', 'web-h1-7004'] });
    expect((await promote()).status).toBe(202);
  });
});
