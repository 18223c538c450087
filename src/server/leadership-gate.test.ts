/**
 * The leadership gate on a real SQLite store with a fixed clock: a process that does not
 * lead serves the API but runs no reconcile pass and no session purge, whatever kicks
 * them; handed leadership, it runs both at once. Passes are awaited, never slept for.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleSession } from '../testing/sample-entities.js';
import { SwitchableLeadership } from '../testing/fake-leadership.js';
import { openFakeServerContext, type FakeServerContext } from '../testing/fake-server-context.js';
import { SessionPurge } from './features/sessions/session-purge.js';
import { buildApp } from './http/build-app.js';
import { OperationReconciler } from './reconciler/operation-reconciler.js';

const TOKEN = 'admin-secret';
const SHA = 'a'.repeat(64);
const NOW = Date.UTC(2026, 0, 2);
const DAY = 24 * 3_600_000;
let fake: FakeServerContext;
let app: FastifyInstance;
let leadership: SwitchableLeadership;
let reconciler: OperationReconciler;
let purge: SessionPurge;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

beforeEach(async () => {
  leadership = new SwitchableLeadership(false);
  // A reconcile period longer than any test: only kicks, wake-ups and leadership start passes.
  fake = await openFakeServerContext({ now: () => NOW, leadership, env: { FERRY_RECONCILE_MS: '3600000' } });
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  reconciler = new OperationReconciler(fake.ctx);
  purge = new SessionPurge(fake.ctx);
});

afterEach(async () => {
  await reconciler.stop();
  await purge.stop();
  await app.close();
  await fake.close();
});

describe('leadership gate', () => {
  it('a non-leader serves the API but neither reconciles nor purges; becoming leader starts both', async () => {
    expect((await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [{ host: 'h1', port: 7001 }] })).status).toBe(200);
    expect((await call('POST', '/api/v1/releases', { service: 'web', version: '1.0.0', package_url: 'https://example.test/web.tgz', sha256: SHA })).status).toBe(201);
    const deployed = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.0.0', strategy: { type: 'all_at_once' } });
    expect(deployed.status).toBe(202);
    await fake.store.insertSessions([sampleSession({ session_id: 'long-expired', expires_at: NOW - 2 * DAY })]);

    reconciler.start();
    purge.start();
    fake.ctx.wake.reconcile();
    reconciler.kick();
    await Promise.all([reconciler.idle(), purge.idle()]);
    expect((await fake.store.getOperation(deployed.body.deploy_id))?.status).toBe('pending');
    expect((await fake.store.getInstance('web-h1-7001'))?.goal.version).toBeNull();
    expect(await fake.store.getSession('long-expired')).toBeDefined();

    leadership.set(true);
    await Promise.all([reconciler.idle(), purge.idle()]);
    expect((await fake.store.getOperation(deployed.body.deploy_id))?.status).toBe('running');
    expect((await fake.store.getInstance('web-h1-7001'))?.goal).toMatchObject({ version: '1.0.0', operation: { id: deployed.body.deploy_id } });
    expect(await fake.store.getSession('long-expired')).toBeUndefined();
  });

  it('a process that loses leadership starts no further pass', async () => {
    leadership.set(true);
    reconciler.start();
    await reconciler.idle();
    leadership.set(false);
    expect((await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [{ host: 'h1', port: 7001 }] })).status).toBe(200);
    expect((await call('POST', '/api/v1/releases', { service: 'web', version: '1.0.0', package_url: 'https://example.test/web.tgz', sha256: SHA })).status).toBe(201);
    const deployed = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.0.0', strategy: { type: 'all_at_once' } });
    reconciler.kick();
    await reconciler.idle();
    expect((await fake.store.getOperation(deployed.body.deploy_id))?.status).toBe('pending');
  });
});
