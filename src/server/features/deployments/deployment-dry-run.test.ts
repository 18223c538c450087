/** POST /api/v1/deployments with "dry_run": true on a real SQLite store: the batches, and nothing changed. */
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

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [7001, 7002, 7003, 7004].map((port) => ({ host: 'h1', port })) });
  await call('POST', '/api/v1/releases', { service: 'web', version: '1.1.0', package_url: 'https://example.test/web-1.1.0.tgz', sha256: 'a'.repeat(64) });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('POST /api/v1/deployments {"dry_run": true}', () => {
  it.each([
    ['an upper-case sha256 of the registered release', { version: '1.1.0', sha256: 'A'.repeat(64) }],
    ['credentials in a new package_url', { version: '2.0.0', sha256: 'b'.repeat(64), package_url: 'https://u:p@example.test/web-2.0.0.tgz' }],
    ['another package_url for the registered release', { version: '1.1.0', sha256: 'a'.repeat(64), package_url: 'https://example.test/other.tgz' }],
  ])('answers %s as the real request does, and registers nothing', async (_what, extra) => {
    const dry = await call('POST', '/api/v1/deployments', { service: 'web', ...extra, dry_run: true });
    const real = await call('POST', '/api/v1/deployments', { service: 'web', ...extra });
    expect([dry.status, dry.body.error?.code]).toEqual([real.status === 202 ? 200 : real.status, real.body.error?.code]);
    expect((await store.listReleases('web')).map((r) => r.version)).toEqual(['1.1.0']);
  });

  it('answers one batch per instance under the default strategy, and stores nothing', async () => {
    const auditBefore = await store.listAudit({});
    const dry = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dry_run: true,
      service: 'web',
      version: '1.1.0',
      whole_service: true,
      strategy: { type: 'rolling', batch_percent: 25 },
      total: 4,
      batches: [7001, 7002, 7003, 7004].map((port, i) => ({
        batch: i + 1,
        canary_step: null,
        instances: [{ instance_id: `web-h1-${port}`, from_version: null, to_version: '1.1.0' }],
        pause_after: null,
      })),
    });
    expect(await store.listOperations({ service: 'web', limit: 10 })).toEqual([]);
    expect(await store.listAudit({})).toEqual(auditBefore);
  });

  it('shows a canary step and its pause, for the instances asked for', async () => {
    const canary = { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] };
    const dry = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', strategy: canary, instances: ['web-h1-7003', 'web-h1-7001', 'web-h1-7002'], dry_run: true });
    expect(dry.body.whole_service).toBe(false);
    expect(dry.body.batches.map((b: { instances: Array<{ instance_id: string }>; pause_after: unknown }) => [b.instances.map((i) => i.instance_id), b.pause_after])).toEqual([
      [['web-h1-7001'], 'until_promoted'],
      [['web-h1-7002', 'web-h1-7003'], null],
    ]);
  });

  it('refuses what the real deployment would refuse, registering nothing', async () => {
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '9.9.9', dry_run: true })).body.error.code).toBe('release_not_registered');
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '9.9.9', sha256: 'b'.repeat(64), package_url: 'https://example.test/x.tgz', dry_run: true })).status).toBe(200);
    expect(await store.getRelease('web', '9.9.9')).toBeUndefined();
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', instances: ['nope'], dry_run: true })).body.error.code).toBe('instance_not_found');
    const real = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0' });
    expect(real.status).toBe(202);
    expect((await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', dry_run: true })).body.error.code).toBe('service_locked');
  });
});
