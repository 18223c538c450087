/**
 * The one-click rollback's default target on a real SQLite store through app.inject
 * (CONTRACT §2 Rollbacks): back to the desired version while a deployment that never
 * became desired holds instances on another version, else to the previous version.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';

const TOKEN = 'admin-secret';
const SHA = 'a'.repeat(64);
let fake: FakeServerContext;
let store: Store;
let app: FastifyInstance;
const now = Date.UTC(2026, 0, 1);

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

/** `web` on four instances of h1, desired 1.0.0 after 0.9.0; h1 keeps every release, so no download is needed. */
async function fleetOnOneZero() {
  expect((await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [7001, 7002, 7003, 7004].map((port) => ({ host: 'h1', port })) })).status).toBe(200);
  for (const version of ['0.9.0', '1.0.0', '1.1.0']) {
    expect((await call('POST', '/api/v1/releases', { service: 'web', version, package_url: `https://example.test/web-${version}.tgz`, sha256: SHA })).status).toBe(201);
  }
  await store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: '0.9.0', updated_at: now });
  const report = { address: '127.0.0.1', agent_version: 'test', instances: [], kept_releases: { web: ['0.9.0', '1.0.0', '1.1.0'] } };
  expect((await call('POST', '/api/v1/agents/h1/heartbeat', report)).status).toBe(200);
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('POST /api/v1/services/{service}/rollback with no to_version', () => {
  it('during a paused canary of 1.1.0 returns the fleet to the desired 1.0.0, not to 1.1.0 or 0.9.0', async () => {
    await fleetOnOneZero();
    const canary = { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] };
    const started = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', strategy: canary });
    expect(started.status).toBe(202);
    await store.updateOperation(started.body.deploy_id, { status: 'paused', updated_at: now });

    const rollback = await call('POST', '/api/v1/services/web/rollback', {});
    expect(rollback.status).toBe(202);
    expect(rollback.body).toMatchObject({ target_version: '1.0.0', target_reason: 'active_deployment' });
    expect((await call('GET', `/api/v1/deployments/${started.body.deploy_id}`)).body.status).toBe('aborted');
    const events = (await call('GET', '/api/v1/audit?type=rollback')).body.events;
    expect(events.at(-1)).toMatchObject({ type: 'rollback', version: '1.0.0', details: { target_reason: 'active_deployment' } });
  });

  it('after a deployment of 1.1.0 that failed with auto_rollback false, returns to the desired 1.0.0', async () => {
    await fleetOnOneZero();
    const started = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', strategy: { type: 'all_at_once', auto_rollback: false } });
    await store.updateOperation(started.body.deploy_id, { status: 'failed', updated_at: now, completed_at: now });
    expect((await call('POST', '/api/v1/services/web/rollback', {})).body).toMatchObject({ target_version: '1.0.0', target_reason: 'active_deployment' });
  });

  it('with nothing in flight, returns to the previous version and says so', async () => {
    await fleetOnOneZero();
    const rollback = await call('POST', '/api/v1/services/web/rollback', { reason: 'bad release' });
    expect(rollback.body).toMatchObject({ target_version: '0.9.0', target_reason: 'previous_version' });
    const events = (await call('GET', '/api/v1/audit?type=rollback')).body.events;
    expect(events.at(-1).details).toMatchObject({ target_reason: 'previous_version', reason: 'bad release' });
  });

  it('takes an explicit to_version as given, with target_reason to_version', async () => {
    await fleetOnOneZero();
    expect((await call('POST', '/api/v1/services/web/rollback', { to_version: '1.1.0' })).body).toMatchObject({ target_version: '1.1.0', target_reason: 'to_version' });
  });
});
