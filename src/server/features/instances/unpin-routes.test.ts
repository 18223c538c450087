/** DELETE /api/v1/instances/{id}/pin on a real SQLite store through app.inject. */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let store: Store;
let app: FastifyInstance;
const now = Date.UTC(2026, 0, 1);

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [7001, 7002].map((port) => ({ host: 'h1', port })) });
  await store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: '0.9.0', updated_at: now });
  // As a deployment of some instances leaves it: pinned to 0.9.0 and meant to run it.
  await store.setInstancePin('web-h1-7001', '0.9.0');
  await store.setInstanceGoal('web-h1-7001', { version: '0.9.0', generation: 3, action: 'run', timeout_s: 120 });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('DELETE /api/v1/instances/{id}/pin', () => {
  it('clears the pin, gives the instance the desired version as a new goal, and audits instance_unpinned', async () => {
    const unpinned = await call('DELETE', '/api/v1/instances/web-h1-7001/pin');
    expect(unpinned).toEqual({ status: 200, body: { instance_id: 'web-h1-7001', service: 'web', cleared_pin: '0.9.0', target_version: '1.0.0', unpinned: true } });
    expect(await store.getInstance('web-h1-7001')).toMatchObject({ pinned_version: null, goal: { version: '1.0.0', generation: 4, action: 'run' } });
    const events = (await call('GET', '/api/v1/audit?type=instance_unpinned')).body.events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ instance_id: 'web-h1-7001', version: '1.0.0', actor: 'admin', details: { pinned_version: '0.9.0', desired_version: '1.0.0' } });
    const listed = (await call('GET', '/api/v1/services/web/instances')).body.instances;
    expect(listed.find((i: { instance_id: string }) => i.instance_id === 'web-h1-7001').pinned_version).toBeNull();
  });

  it('is idempotent: a second call, or an instance never pinned, changes nothing and audits nothing', async () => {
    await call('DELETE', '/api/v1/instances/web-h1-7001/pin');
    expect((await call('DELETE', '/api/v1/instances/web-h1-7001/pin')).body).toMatchObject({ unpinned: false, cleared_pin: null, target_version: '1.0.0' });
    expect((await call('DELETE', '/api/v1/instances/web-h1-7002/pin')).body).toMatchObject({ unpinned: false });
    expect((await call('GET', '/api/v1/audit?type=instance_unpinned')).body.events).toHaveLength(1);
  });

  it('answers 404 instance_not_found for an unknown instance', async () => {
    expect(await call('DELETE', '/api/v1/instances/web-h9-1/pin')).toMatchObject({ status: 404, body: { error: { code: 'instance_not_found' } } });
  });

  it('answers 409 service_locked while an operation holds the service, and changes nothing', async () => {
    await call('POST', '/api/v1/releases', { service: 'web', version: '1.1.0', package_url: 'https://example.test/w.tgz', sha256: 'a'.repeat(64) });
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', instances: ['web-h1-7002'] })).status).toBe(202);
    expect(await call('DELETE', '/api/v1/instances/web-h1-7001/pin')).toMatchObject({ status: 409, body: { error: { code: 'service_locked' } } });
    expect((await store.getInstance('web-h1-7001'))?.pinned_version).toBe('0.9.0');
  });
});
