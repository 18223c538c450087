/**
 * The freeze gate against every way a version can change (CONTRACT §4 Freeze windows),
 * through app.inject on the fake server context: a channel deploy and a promotion are
 * refused 422 `frozen` and store nothing (the promotion says frozen before any promotion
 * rule); an override passes each, audited `freeze_overridden` exactly once; channel and
 * service rollbacks pass unaudited; a dry run is refused the same way and, overridden,
 * previews without an audit; vm/rebootstrap's rollout is frozen and takes an override, its
 * restart never is.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openGatedFleet, type GatedFleet } from '../../../testing/gated-fleet.js';

const T0 = Date.parse('2026-12-24T10:00:00Z');
let f: GatedFleet;

beforeEach(async () => {
  f = await openGatedFleet(T0);
});
afterEach(async () => {
  await f.close();
});

/** A window over `web` from yesterday to the day after tomorrow; its id. */
async function freezeWeb(): Promise<string> {
  const res = await f.call('POST', '/api/v1/freezes', { service: 'web', starts_at: '2026-12-23T00:00:00Z', ends_at: '2026-12-27T00:00:00Z', reason: 'holidays' });
  expect(res.status).toBe(201);
  return res.body.freeze_id;
}

const channelDeploy = (body: Record<string, unknown> = {}) => f.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0', reason: 'try it', ...body });
const promote = (body: Record<string, unknown> = {}) => f.call('POST', '/api/v1/services/web/channels/promote', { from: 'canary', to: 'stable', reason: 'soaked', ...body });
const overrides = async () => (await f.fake.store.listAudit({ type: 'freeze_overridden' })).map((e) => e.details.action);
const stableHistory = async () => (await f.call('GET', '/api/v1/services/web/channels')).body.channels.find((c: { name: string }) => c.name === 'stable').history;

function expectFrozen(res: { status: number; body: any }, freezeId: string): void {
  expect([res.status, res.body.error?.code]).toEqual([422, 'frozen']);
  expect(res.body.error.details).toMatchObject({ freeze_id: freezeId, reason: 'holidays' });
}

describe('a freeze over channels', () => {
  it('refuses a canary deploy with 422 frozen, storing nothing', async () => {
    const id = await freezeWeb();
    const auditBefore = (await f.fake.store.listAudit({})).length;
    expectFrozen(await channelDeploy(), id);
    expect(await f.fake.store.listOperations({ service: 'web' })).toEqual([]);
    expect((await f.call('GET', '/api/v1/services/web/channels')).body.channels.every((c: { history: unknown[] }) => c.history.length === 0)).toBe(true);
    expect((await f.fake.store.listAudit({})).length).toBe(auditBefore);
  });

  it('refuses a promotion with 422 frozen before any promotion rule is asked, even one that would fail', async () => {
    const id = await freezeWeb();
    // Canary still follows stable (same_version would refuse it): frozen is said first.
    expectFrozen(await promote(), id);
    expect(await f.audited('promotion_refused')).toBe(0);
    expect(await f.fake.store.listOperations({ service: 'web' })).toEqual([]);
  });

  it('an override passes a canary deploy and then a promotion, each audited freeze_overridden exactly once', async () => {
    const id = await freezeWeb();
    const deployed = await channelDeploy({ override_freeze: { reason: 'INC-7 hotfix' } });
    expect(deployed.status).toBe(202);
    expect(await overrides()).toEqual(['channel_deploy']);
    await f.finish(deployed.body.deploy_id, 'succeeded');

    expectFrozen(await promote(), id);
    expect(await overrides()).toEqual(['channel_deploy']);
    const promoted = await promote({ override_freeze: { reason: 'INC-7 hotfix everywhere' } });
    expect(promoted).toMatchObject({ status: 202, body: { from: 'canary', to: 'stable', version: '1.1.0' } });
    expect(await overrides()).toEqual(['channel_deploy', 'promote']);
    const [event] = await f.fake.store.listAudit({ type: 'freeze_overridden' }).then((events) => events.filter((e) => e.details.action === 'promote'));
    expect(event).toMatchObject({ service: 'web', version: '1.1.0', details: { freeze_id: id, override_reason: 'INC-7 hotfix everywhere' } });
    await f.finish(promoted.body.deploy_id, 'succeeded');
    expect(await stableHistory()).toEqual([expect.objectContaining({ version: '1.1.0', reason: 'soaked' })]);
  });

  it('lets a channel rollback and a service rollback through, with no override and no freeze_overridden', async () => {
    await f.fake.store.setServiceVersions('web', { desired_version: '1.1.0', previous_version: '1.0.0', updated_at: f.clock.now });
    await freezeWeb();
    const channelRollback = await f.call('POST', '/api/v1/services/web/channels/stable/rollback', { to_version: '1.0.0', reason: 'errors spiking' });
    expect(channelRollback).toMatchObject({ status: 202, body: { channel: 'stable', target_version: '1.0.0' } });
    await f.fake.store.updateOperation(channelRollback.body.rollback_id, { status: 'failed', completed_at: f.clock.now });
    const serviceRollback = await f.call('POST', '/api/v1/services/web/rollback', { to_version: '1.0.0', reason: 'still spiking' });
    expect(serviceRollback).toMatchObject({ status: 202, body: { target_version: '1.0.0' } });
    expect(await overrides()).toEqual([]);
  });
});

describe('a freeze over a dry run', () => {
  it('refuses dry_run: true with 422 frozen; with an override it previews, auditing nothing', async () => {
    const id = await freezeWeb();
    const auditBefore = (await f.fake.store.listAudit({})).length;
    expectFrozen(await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', dry_run: true }), id);
    const preview = await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', dry_run: true, override_freeze: { reason: 'see what it would do' } });
    expect(preview).toMatchObject({ status: 200, body: { dry_run: true, version: '1.1.0', whole_service: true, total: 4 } });
    expect(await f.fake.store.listOperations({ service: 'web' })).toEqual([]);
    expect((await f.fake.store.listAudit({})).length).toBe(auditBefore);
  });

  it('a blank override reason is 400 reason_required, as the real request', async () => {
    await freezeWeb();
    const res = await f.call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', dry_run: true, override_freeze: { reason: '  ' } });
    expect([res.status, res.body.error.code]).toEqual([400, 'reason_required']);
  });
});

describe('a freeze over vm/rebootstrap', () => {
  it('freezes mode rollout (nothing stored); override_freeze passes it, audited once; mode restart is never frozen', async () => {
    const id = await freezeWeb();
    expectFrozen(await f.call('POST', '/api/v1/vm/rebootstrap', { service: 'web', mode: 'rollout', target_version: '1.1.0' }), id);
    expect(await f.fake.store.listOperations({ service: 'web' })).toEqual([]);

    const rollout = await f.call('POST', '/api/v1/vm/rebootstrap', { service: 'web', mode: 'rollout', target_version: '1.1.0', override_freeze: { reason: 'security patch' } });
    expect(rollout).toMatchObject({ status: 202, body: { mode: 'rollout', target_version: '1.1.0' } });
    expect(await f.fake.store.listAudit({ type: 'freeze_overridden' })).toEqual([
      expect.objectContaining({ version: '1.1.0', details: expect.objectContaining({ freeze_id: id, override_reason: 'security patch', action: 'deploy' }) }),
    ]);
    await f.finish(rollout.body.deploy_id, 'succeeded');

    // A restart needs instances that run a version: give them the one the rollout deployed.
    for (const instance of await f.fake.store.listInstances({ service: 'web' })) await f.fake.store.setInstanceGoal(instance.instance_id, { version: '1.1.0', generation: 2, action: 'run', timeout_s: 60 });
    const restart = await f.call('POST', '/api/v1/vm/rebootstrap', { service: 'web', mode: 'restart' });
    expect(restart).toMatchObject({ status: 202, body: { mode: 'restart' } });
    expect(await f.audited('freeze_overridden')).toBe(1);
  });

  it('refuses an override_freeze that is not {reason} with 400', async () => {
    await freezeWeb();
    const res = await f.call('POST', '/api/v1/vm/rebootstrap', { service: 'web', mode: 'rollout', target_version: '1.1.0', override_freeze: { because: 'x' } });
    expect(res.status).toBe(400);
    expect(await f.fake.store.listOperations({ service: 'web' })).toEqual([]);
  });
});
