/**
 * The freeze gate through the API on a real SQLite store with a fake clock: a covered
 * service refuses deployments (whole or partial) with 422 frozen and stores nothing, not
 * even a release given on the way; an override passes and is audited in the same
 * transaction as the deployment; rollbacks and restarts are never frozen; the window's
 * end thaws the service.
 */
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';
import { coveringFreeze } from './freeze-gate.js';

const TOKEN = 'gate-admin';
const SHA = 'a'.repeat(64);
const T = Date.parse('2026-12-24T10:00:00Z');
let now: number;
let fake: FakeServerContext;
let store: Store;
let app: FastifyInstance;

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, correlationId = 'corr-gate') {
  const headers = { authorization: `Bearer ${TOKEN}`, 'x-correlation-id': correlationId };
  const response = await app.inject({ method, url, headers, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

async function freeze(body: Record<string, unknown>): Promise<string> {
  const res = await call('POST', '/api/v1/freezes', { starts_at: '2026-12-24T00:00:00Z', ends_at: '2026-12-27T00:00:00Z', reason: 'holidays', ...body });
  expect(res.status).toBe(201);
  return res.body.freeze_id;
}

const auditTypes = async () => (await store.listAudit({})).map((e) => e.type);

beforeEach(async () => {
  now = T;
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [7001, 7002].map((port) => ({ host: 'h1', port })) });
  await call('PUT', '/api/v1/services/api', { start: 'node server.js', instances: [{ host: 'h1', port: 7003 }] });
  for (const version of ['1.0.0', '2.0.0']) await call('POST', '/api/v1/releases', { service: 'web', version, package_url: `https://example.test/web-${version}.tgz`, sha256: SHA });
  for (const id of ['web-h1-7001', 'web-h1-7002']) await store.setInstanceGoal(id, { version: '1.0.0', generation: 1, action: 'run', timeout_s: 60 });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('the freeze gate', () => {
  it('refuses a whole-service and a partial deployment with 422 frozen naming the window; nothing stored', async () => {
    const id = await freeze({ service: 'web' });
    const typesBefore = await auditTypes();
    for (const body of [{ version: '2.0.0' }, { version: '2.0.0', instances: ['web-h1-7001'] }, { version: '3.0.0', sha256: SHA, package_url: 'https://example.test/web-3.0.0.tgz' }]) {
      const res = await call('POST', '/api/v1/deployments', { service: 'web', ...body });
      expect([res.status, res.body.error.code]).toEqual([422, 'frozen']);
      expect(res.body.error.details).toEqual({ freeze_id: id, reason: 'holidays', ends_at: '2026-12-27T00:00:00.000Z' });
      expect(res.body.error.message).toContain(id);
      expect(res.body.error.message).toContain('holidays');
      expect(res.body.error.message).toContain('2026-12-27T00:00:00.000Z');
    }
    expect(await store.listOperations({ service: 'web' })).toEqual([]);
    expect(await store.getRelease('web', '3.0.0')).toBeUndefined();
    expect(await auditTypes()).toEqual(typesBefore);
  });

  it('a global window freezes every service; a window of another service does not', async () => {
    await freeze({ service: 'api' });
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', deploy_id: 'dep-free' })).status).toBe(202);
    await store.updateOperation('dep-free', { status: 'aborted', completed_at: now });
    const global = await freeze({ service: null, ends_at: '2026-12-28T00:00:00Z' });
    expect(await coveringFreeze(store, 'web', now)).toEqual({ freeze_id: global, service: null, reason: 'holidays', ends_at: Date.parse('2026-12-28T00:00:00Z') });
  });

  it('names the covering window that ends last', async () => {
    await freeze({ service: 'web' });
    const later = await freeze({ service: null, ends_at: '2026-12-30T00:00:00Z', reason: 'year end' });
    expect((await coveringFreeze(store, 'web', now))?.freeze_id).toBe(later);
    expect(await coveringFreeze(store, 'web', Date.parse('2026-12-30T00:00:00Z'))).toBeNull();
  });

  it('an override passes, audited freeze_overridden in the deployment’s transaction', async () => {
    const id = await freeze({ service: 'web' });
    const res = await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', override_freeze: { reason: 'hotfix for INC-42' } }, 'corr-override');
    expect(res.status).toBe(202);
    const events = await store.listAudit({ service: 'web' });
    const overridden = events.filter((e) => e.type === 'freeze_overridden');
    expect(overridden).toEqual([
      expect.objectContaining({
        service: 'web',
        version: '2.0.0',
        actor: 'admin',
        correlation_id: 'corr-override',
        details: { freeze_id: id, freeze_reason: 'holidays', override_reason: 'hotfix for INC-42', action: 'deploy', freeze_ends_at: '2026-12-27T00:00:00.000Z' },
      }),
    ]);
    const started = events.find((e) => e.type === 'deploy_started')!;
    expect(started).toMatchObject({ correlation_id: 'corr-override', deploy_id: res.body.deploy_id });
    expect(started.id).toBeGreaterThan(overridden[0]!.id);
  });

  it('an override with a blank reason is 400 reason_required, nothing stored', async () => {
    await freeze({ service: 'web' });
    const res = await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', override_freeze: { reason: '   ' } });
    expect([res.status, res.body.error.code]).toEqual([400, 'reason_required']);
    expect(await store.listOperations({ service: 'web' })).toEqual([]);
  });

  it('never freezes a rollback or a restart', async () => {
    await freeze({ service: null });
    // Any reachable file stands in for the package the hosts would download.
    const rollback = await call('POST', '/api/v1/rollbacks/batch', { service: 'web', target_version: '1.0.0', package_url: pathToFileURL(fake.dataDir).href });
    expect([rollback.status, rollback.body]).toEqual([202, expect.anything()]);
    await store.updateOperation(rollback.body.rollback_id, { status: 'failed', completed_at: now });
    const restart = await call('POST', '/api/v1/vm/rebootstrap', { service: 'web', mode: 'restart', target_version: '1.0.0' });
    expect(restart.status).toBe(202);
    expect(await auditTypes()).not.toContain('freeze_overridden');
  });

  it('thaws when the window ends, and when it is removed', async () => {
    const id = await freeze({ service: 'web' });
    now = Date.parse('2026-12-27T00:00:00Z');
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', instances: ['web-h1-7001'], deploy_id: 'dep-after' })).status).toBe(202);
    await store.updateOperation('dep-after', { status: 'aborted', completed_at: now });
    now = T;
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0' })).status).toBe(422);
    await call('DELETE', `/api/v1/freezes/${id}`);
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0' })).status).toBe(202);
  });

  describe('a stored window that can no longer be evaluated (its time zone gone from the runtime)', () => {
    /** Stored straight through the store: the API would refuse this zone, an older Node may have taken it. */
    async function storeBogusWindow(freezeId: string, over: { starts_at?: number; ends_at?: number } = {}): Promise<void> {
      await store.insertFreeze({
        freeze_id: freezeId,
        service: 'web',
        starts_at: Date.parse('2026-12-01T00:00:00Z'),
        ends_at: Date.parse('2027-01-01T00:00:00Z'),
        reason: 'weekend freeze',
        recurrence: { weekly: [{ day: 'fri', from: '16:00', to: 'mon 08:00' }], time_zone: 'Mars/Olympus_Mons' },
        created_at: T - 1000,
        created_by: 'admin',
        removed_at: null,
        removed_by: null,
        ...over,
      });
    }

    it('covers (fails closed): 422 frozen saying to remove or fix it, logged once; other services and GET /freezes still answer', async () => {
      await storeBogusWindow('frz_bogus_zone');
      const warn = vi.spyOn(fake.ctx.log, 'warn');
      for (let attempt = 0; attempt < 3; attempt++) {
        const res = await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0' });
        expect([res.status, res.body.error.code]).toEqual([422, 'frozen']);
        expect(res.body.error.message).toMatch(/window frz_bogus_zone cannot be evaluated \(.*Mars\/Olympus_Mons.*\): remove it or fix it/);
        expect(res.body.error.details).toMatchObject({ freeze_id: 'frz_bogus_zone', reason: 'weekend freeze', ends_at: '2027-01-01T00:00:00.000Z', error: expect.stringContaining('Mars/Olympus_Mons') });
      }
      expect(warn.mock.calls.filter(([details]) => (details as { freeze_id?: string }).freeze_id === 'frz_bogus_zone')).toHaveLength(1);
      expect(await store.listOperations({ service: 'web' })).toEqual([]);

      const listed = await call('GET', '/api/v1/freezes');
      expect(listed.status).toBe(200);
      expect(listed.body.freezes).toEqual([
        expect.objectContaining({ freeze_id: 'frz_bogus_zone', active_now: true, current_ends_at: '2027-01-01T00:00:00.000Z', error: expect.stringMatching(/^window frz_bogus_zone cannot be evaluated \(.+\): remove it or fix it$/) }),
      ]);
      expect((await call('GET', '/api/v1/freezes/frz_bogus_zone')).body).toMatchObject({ active_now: true, error: expect.any(String) });
      // It freezes its own service only.
      expect(await coveringFreeze(store, 'api', now)).toBeNull();
    });

    it('an override passes it (audited), and removing it thaws the service', async () => {
      await storeBogusWindow('frz_bogus_override');
      const res = await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', instances: ['web-h1-7001'], override_freeze: { reason: 'INC-7' }, deploy_id: 'dep-over' });
      expect(res.status).toBe(202);
      expect((await store.listAudit({ type: 'freeze_overridden' })).map((e) => e.details.freeze_id)).toEqual(['frz_bogus_override']);
      await store.updateOperation('dep-over', { status: 'aborted', completed_at: now });
      expect((await call('DELETE', '/api/v1/freezes/frz_bogus_override')).status).toBe(200);
      expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0' })).status).toBe(202);
    });

    it('outside its stored bounds it does not cover, and still shows its error', async () => {
      await storeBogusWindow('frz_bogus_past', { starts_at: Date.parse('2026-11-01T00:00:00Z'), ends_at: Date.parse('2026-11-08T00:00:00Z') });
      expect(await coveringFreeze(store, 'web', now)).toBeNull();
      expect((await call('GET', '/api/v1/freezes/frz_bogus_past')).body).toMatchObject({ active_now: false, current_ends_at: null, error: expect.stringContaining('cannot be evaluated') });
    });
  });
});
