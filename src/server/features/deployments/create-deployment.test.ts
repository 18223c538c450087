/**
 * The steps of starting an operation, in the order each kind calls them, on a real SQLite
 * store: the service is found first, a release given on the way is registered in the
 * same transaction as the operation, and whatever refuses the operation leaves nothing
 * behind, release and audit events included.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';

const TOKEN = 'admin-secret';
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
let fake: FakeServerContext;
let store: Store;
let app: FastifyInstance;
const now = Date.UTC(2026, 0, 1);

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, correlationId?: string) {
  const headers = { authorization: `Bearer ${TOKEN}`, ...(correlationId ? { 'x-correlation-id': correlationId } : {}) };
  const response = await app.inject({ method, url, headers, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

async function auditTypes(): Promise<string[]> {
  return (await store.listAudit({})).map((e) => e.type);
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [7001, 7002].map((port) => ({ host: 'h1', port })) });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('POST /api/v1/deployments, step by step', () => {
  it('registers the release given on the way, then starts the deployment, in one transaction under one correlation id', async () => {
    const before = (await store.listAudit({})).length;
    const res = await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', sha256: SHA_B.toUpperCase(), package_url: 'https://example.test/web-2.0.0.tgz' }, 'corr-1');
    expect(res.status).toBe(202);
    expect(await store.getRelease('web', '2.0.0')).toMatchObject({ sha256: SHA_B, package_url: 'https://example.test/web-2.0.0.tgz' });
    const added = (await store.listAudit({})).slice(before);
    expect(added.map((e) => [e.type, e.correlation_id])).toEqual([
      ['release_registered', 'corr-1'],
      ['deploy_started', 'corr-1'],
    ]);
    expect(added[1]).toMatchObject({ deploy_id: res.body.deploy_id, version: '2.0.0' });
  });

  it('refuses an unknown service before looking at the release, and registers nothing', async () => {
    const res = await call('POST', '/api/v1/deployments', { service: 'nope', version: '2.0.0', sha256: SHA_B, package_url: 'https://example.test/nope.tgz' });
    expect([res.status, res.body.error.code]).toEqual([404, 'service_not_found']);
    expect(await store.listReleases('nope')).toEqual([]);
  });

  it('leaves no release and no event when the operation itself is refused (409 service_locked)', async () => {
    await call('POST', '/api/v1/releases', { service: 'web', version: '1.0.0', package_url: 'https://example.test/web-1.0.0.tgz', sha256: SHA_A });
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '1.0.0' })).status).toBe(202);
    const typesBefore = await auditTypes();
    const res = await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', sha256: SHA_B, package_url: 'https://example.test/web-2.0.0.tgz' });
    expect([res.status, res.body.error.code]).toEqual([409, 'service_locked']);
    expect(await store.getRelease('web', '2.0.0')).toBeUndefined();
    expect(await auditTypes()).toEqual(typesBefore);
  });

  it('checks a package given on the way as the release route does (400 for a malformed sha256)', async () => {
    const res = await call('POST', '/api/v1/deployments', { service: 'web', version: '2.0.0', sha256: 'not-a-sha', package_url: 'https://example.test/web-2.0.0.tgz' });
    const direct = await call('POST', '/api/v1/releases', { service: 'web', version: '2.0.0', sha256: 'not-a-sha', package_url: 'https://example.test/web-2.0.0.tgz' });
    expect([res.status, res.body.error.code]).toEqual([400, direct.body.error.code]);
    expect(await store.listReleases('web')).toEqual([]);
  });
});

describe('POST /api/v1/vm/rebootstrap mode restart', () => {
  it('refuses a restart that would change a version after building it, storing nothing; the same restart on the version that runs starts', async () => {
    for (const id of ['web-h1-7001', 'web-h1-7002']) {
      await store.setInstanceGoal(id, { version: '1.0.0', generation: 1, action: 'run', timeout_s: 60 });
    }
    const typesBefore = await auditTypes();
    const refused = await call('POST', '/api/v1/vm/rebootstrap', { service: 'web', mode: 'restart', target_version: '2.0.0' });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'restart_changes_version']);
    expect(await store.listOperations({ service: 'web' })).toEqual([]);
    expect(await auditTypes()).toEqual(typesBefore);

    const started = await call('POST', '/api/v1/vm/rebootstrap', { service: 'web', mode: 'restart', target_version: '1.0.0' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ mode: 'restart', service: 'web', target_version: '1.0.0' });
    expect(await auditTypes()).toEqual([...typesBefore, 'restart']);
  });
});
