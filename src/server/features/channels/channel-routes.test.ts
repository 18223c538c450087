/**
 * Channels through app.inject on a real SQLite store with a fake clock (CONTRACT §4
 * Channels): which instances a channel takes, a channel deploy as a partial deployment,
 * the soak and rollout evidence its end records, promotion refused with every reason and
 * then allowed, and the emergency rollback of a channel. Operations end through the real
 * plan applier (applyOperationPlan), as the reconciler would end them.
 */
import { describe, expect, it } from 'vitest';
import { MIN, useChannelFixture } from './channel-route-fixtures.js';

const f = useChannelFixture();

describe('GET /api/v1/services/{service}/channels', () => {
  it('shows stable and canary: canary takes the first instance by id and follows stable until deployed to', async () => {
    await f.fleet();
    const { status, body } = await f.call('GET', '/api/v1/services/web/channels');
    expect(status).toBe(200);
    expect(body.channels).toEqual([
      { name: 'stable', version: '1.0.0', instances: ['web-h1-7002', 'web-h1-7003', 'web-h1-7004'], updated_at: null, soak_started_at: null, history: [] },
      { name: 'canary', version: '1.0.0', instances: ['web-h1-7001'], updated_at: null, soak_started_at: null, history: [] },
    ]);
  });

  it('a service of one instance has an empty canary, and a deploy to it is refused: channel_covers_service', async () => {
    await f.fleet({}, [7001]);
    expect((await f.channel('canary')).instances).toEqual([]);
    const refused = await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' });
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'channel_covers_service' } } });
  });

  it('answers 404 for an unknown service', async () => {
    expect((await f.call('GET', '/api/v1/services/nope/channels')).body.error.code).toBe('service_not_found');
  });
});

describe('POST /api/v1/services/{service}/channels/{channel}/deploy', () => {
  it('deploys to the canary instance only, and records who asked and why', async () => {
    await f.fleet();
    const started = await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0', reason: 'try it on one' });
    expect(started).toMatchObject({ status: 202, body: { channel: 'canary', version: '1.1.0', instances: ['web-h1-7001'] } });
    const deployment = (await f.call('GET', `/api/v1/deployments/${started.body.deploy_id}`)).body;
    expect(deployment.instances.map((i: { instance_id: string }) => i.instance_id)).toEqual(['web-h1-7001']);
    const [event] = (await f.call('GET', '/api/v1/audit?type=deploy_started')).body.events;
    expect(event.details).toMatchObject({ channel: 'canary', reason: 'try it on one' });
    expect((await f.channel('canary')).history).toEqual([expect.objectContaining({ version: '1.1.0', actor: 'admin:ana', reason: 'try it on one', deploy_id: started.body.deploy_id, soak_started_at: null })]);
  });

  it('refuses stable (promote it instead), an unknown channel, and a second change while the first runs', async () => {
    await f.fleet();
    expect((await f.call('POST', '/api/v1/services/web/channels/stable/deploy', { version: '1.1.0' })).body.error.code).toBe('stable_needs_promotion');
    expect((await f.call('POST', '/api/v1/services/web/channels/beta/deploy', { version: '1.1.0' }))).toMatchObject({ status: 404, body: { error: { code: 'channel_not_found' } } });
    expect((await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' })).status).toBe(202);
    expect((await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' })).status).toBe(409);
    expect((await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '9.9.9' })).body.error.code).toBe('release_not_registered');
    expect((await f.channel('canary')).history).toHaveLength(1);
  });

  it('on success pins the canary, starts its soak and records passed rollout evidence; a failure records failed evidence', async () => {
    await f.fleet();
    const failed = await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' });
    await f.finish(failed.body.deploy_id, 'rolled_back');
    expect((await f.channel('canary')).version).toBe('1.0.0');
    f.now += MIN;
    const ok = await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' });
    f.now += MIN;
    await f.finish(ok.body.deploy_id, 'succeeded');
    expect(await f.channel('canary')).toMatchObject({ version: '1.1.0', soak_started_at: new Date(f.now).toISOString() });
    const evidence = await f.store.listEvidence('web', '1.1.0');
    expect(evidence.map((e) => [e.check, e.passed, e.source])).toEqual([
      ['rollout', false, 'ferry'],
      ['rollout', true, 'ferry'],
    ]);
  });
});

describe('POST /api/v1/services/{service}/channels/promote', () => {
  async function soakingCanary() {
    await f.fleet();
    const started = await f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' });
    f.now += MIN;
    await f.finish(started.body.deploy_id, 'succeeded');
  }
  const promote = (body: Record<string, unknown> = {}) => f.call('POST', '/api/v1/services/web/channels/promote', { from: 'canary', to: 'stable', reason: 'soaked clean', ...body });

  it('refuses before the soak ends, naming the minutes left', async () => {
    await soakingCanary();
    f.now += 12.5 * MIN;
    const refused = await promote();
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'promotion_refused', details: { version: '1.1.0', reasons: [{ code: 'soak_not_elapsed', minutes_left: 18 }] } });
  });

  it('refuses while a P1 alert of the service fires, with every reason at once', async () => {
    await soakingCanary();
    await f.store.insertAlert({ id: 'al-1', name: 'DeploymentFailed', severity: 'P1', state: 'firing', service: 'web', cause_key: 'DeploymentFailed:web:x', summary: 's', current_version: null, previous_version: null, deploy_id: null, rollback_id: null, correlation_id: 'c', runbook_url: null, oncall: null, started_at: f.now, resolved_at: null });
    const refused = await promote();
    expect(refused.body.error.details.reasons.map((r: { code: string }) => r.code)).toEqual(['soak_not_elapsed', 'alert_firing']);
  });

  it('refuses an empty-handed channel: stable already runs what canary runs', async () => {
    await f.fleet();
    expect((await promote()).body.error.details.reasons.map((r: { code: string }) => r.code)).toEqual(['same_version', 'soak_not_elapsed']);
  });

  it('asks for a reason, and for stable as the target', async () => {
    await soakingCanary();
    expect((await promote({ reason: '  ' })).body.error.code).toBe('reason_required');
    expect((await promote({ to: 'beta' })).body.error.code).toBe('promotion_target_unsupported');
    expect((await promote({ from: 'beta' })).status).toBe(404);
  });

  it('after the soak starts a whole-service deployment, audited with actor and reason; its success makes stable the version and clears the canary pin', async () => {
    await soakingCanary();
    f.now += 31 * MIN;
    const started = await promote();
    expect(started).toMatchObject({ status: 202, body: { from: 'canary', to: 'stable', version: '1.1.0' } });
    const deployment = (await f.call('GET', `/api/v1/deployments/${started.body.deploy_id}`)).body;
    expect(deployment.instances).toHaveLength(4);
    const [event] = (await f.call('GET', '/api/v1/audit?type=channel_promoted')).body.events;
    expect(event).toMatchObject({ actor: 'admin:ana', deploy_id: started.body.deploy_id, details: { from: 'canary', to: 'stable', version: '1.1.0', reason: 'soaked clean' } });
    await f.finish(started.body.deploy_id, 'succeeded');
    const stable = await f.channel('stable');
    expect(stable).toMatchObject({ version: '1.1.0', history: [{ version: '1.1.0', actor: 'admin:ana', reason: 'soaked clean' }] });
    expect((await f.channel('canary')).version).toBe('1.1.0');
    expect((await f.store.listInstances({ service: 'web' })).every((i) => i.pinned_version === null)).toBe(true);
  });
});

describe('POST /api/v1/services/{service}/channels/{channel}/rollback', () => {
  it('rolls the whole service back from stable, audited with actor and reason, with a history row', async () => {
    await f.fleet();
    await f.store.setServiceVersions('web', { desired_version: '1.1.0', previous_version: '1.0.0', updated_at: f.now });
    const started = await f.call('POST', '/api/v1/services/web/channels/stable/rollback', { to_version: '1.0.0', reason: 'errors spiking' });
    expect(started).toMatchObject({ status: 202, body: { channel: 'stable', target_version: '1.0.0' } });
    expect(started.body.instances).toHaveLength(4);
    const [event] = (await f.call('GET', '/api/v1/audit?type=channel_rolled_back')).body.events;
    expect(event).toMatchObject({ actor: 'admin:ana', details: { channel: 'stable', to_version: '1.0.0', reason: 'errors spiking' } });
    expect((await f.channel('stable')).history).toEqual([expect.objectContaining({ version: '1.0.0', reason: 'errors spiking' })]);
  });

  it('rolls only the canary instances back from canary', async () => {
    await f.fleet();
    const started = await f.call('POST', '/api/v1/services/web/channels/canary/rollback', { to_version: '1.0.0', reason: 'canary looks bad' });
    expect(started.status).toBe(202);
    expect(started.body.instances.map((i: { instance_id: string }) => i.instance_id)).toEqual(['web-h1-7001']);
  });

  it('needs a reason', async () => {
    await f.fleet();
    const refused = await f.call('POST', '/api/v1/services/web/channels/stable/rollback', { to_version: '1.0.0' });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'reason_required' } } });
    expect((await f.channel('stable')).history).toEqual([]);
  });
});
