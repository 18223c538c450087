/**
 * The sessions API in process, on a real SQLite store: the app answers through fastify's
 * inject, the store is arranged directly (desired version, an operation), and instances
 * become ready through real heartbeats on the agent route.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialRollout } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let store: Store;
let app: FastifyInstance;
let now: number;

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

/** Declares `web` with one instance per port on host h1, all reported ready on `version`. */
async function fleet(ports: number[], version: string, desired: string | null = version) {
  expect((await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: ports.map((port) => ({ host: 'h1', port })) })).status).toBe(200);
  await store.setServiceVersions('web', { desired_version: desired, previous_version: null, updated_at: now });
  await heartbeat(ports.map((port) => ({ port, version, status: 'ready' })));
}

async function heartbeat(instances: Array<{ port: number; version: string; status: string }>) {
  const report = {
    address: '10.1.2.3',
    agent_version: 'test',
    instances: instances.map(({ port, version, status }) => ({ instance_id: `web-h1-${port}`, service: 'web', status, version, pid: 1, achieved_generation: 0, outcome: null })),
  };
  expect((await call('POST', '/api/v1/agents/h1/heartbeat', report)).status).toBe(200);
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
});

afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('POST /api/v1/sessions', () => {
  it('places a session on a ready instance of the desired version, with the host address, stored before the 201', async () => {
    await fleet([7001], 'v1');
    const created = await call('POST', '/api/v1/sessions', { service: 'web' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ service: 'web', instance_id: 'web-h1-7001', host: 'h1', address: '10.1.2.3', port: 7001, runtime_version: 'v1', tenant_id: null, ended_at: null });
    expect(created.body.session_id).toMatch(/^ses-/);
    expect(Date.parse(created.body.expires_at) - now).toBe(3600_000);
    expect(await store.getSession(created.body.session_id)).toMatchObject({ instance_id: 'web-h1-7001', runtime_version: 'v1' });
  });

  it('spreads concurrent requests least-loaded across instances', async () => {
    await fleet([7001, 7002, 7003, 7004], 'v1');
    const answers = await Promise.all(Array.from({ length: 40 }, () => call('POST', '/api/v1/sessions', { service: 'web', ttl_s: 60 })));
    const perInstance: Record<string, number> = {};
    for (const a of answers) perInstance[a.body.instance_id] = (perInstance[a.body.instance_id] ?? 0) + 1;
    expect(perInstance).toEqual({ 'web-h1-7001': 10, 'web-h1-7002': 10, 'web-h1-7003': 10, 'web-h1-7004': 10 });
  });

  it('answers 503 upgrading with Retry-After when no instance is eligible', async () => {
    await fleet([7001], 'v0', 'v1');
    const refused = await call('POST', '/api/v1/sessions', { service: 'web' });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body.error).toMatchObject({ code: 'upgrading', message: 'the system is upgrading, please retry shortly' });
  });

  it('gives a canary instance past its health gate during a deployment, and keeps a tenant on its version', async () => {
    await fleet([7001, 7002], 'v1');
    await heartbeat([
      { port: 7001, version: 'v1', status: 'ready' },
      { port: 7002, version: 'v2', status: 'ready' },
    ]);
    const operation = { id: 'dep-1', kind: 'deploy' as const, service: 'web', version: 'v2', whole_service: true, status: 'paused' as const, reason: null, strategy: { type: 'canary' as const }, timeout_s: 60, retry_count: 0, auto_rollback: true, rollout: initialRollout(now), actor: 'admin', correlation_id: 'c', created_at: now, updated_at: now, completed_at: null };
    const target = { operation_id: 'dep-1', instance_id: 'web-h1-7002', from_version: 'v1', to_version: 'v2', status: 'succeeded' as const, attempts: 1, generation: 1, changed: true, started_at: now, healthy_at: now, updated_at: now, reason: null };
    await store.insertOperation(operation, [target]);
    const versions = new Set<string>();
    for (let n = 0; n < 40; n++) versions.add((await call('POST', '/api/v1/sessions', { service: 'web', ttl_s: 1 })).body.runtime_version);
    expect([...versions].sort()).toEqual(['v1', 'v2']);
    const first = (await call('POST', '/api/v1/sessions', { service: 'web', tenant_id: 'acme' })).body.runtime_version;
    for (let n = 0; n < 20; n++) expect((await call('POST', '/api/v1/sessions', { service: 'web', tenant_id: 'acme' })).body.runtime_version).toBe(first);
  });

  it('refuses an unknown service with 404 and bad input with 400', async () => {
    expect((await call('POST', '/api/v1/sessions', { service: 'ghost' })).body.error.code).toBe('service_not_found');
    expect((await call('POST', '/api/v1/sessions', { service: 'ghost' })).status).toBe(404);
    for (const body of [{}, { service: 'Bad Name' }, { service: 'web', ttl_s: 0 }, { service: 'web', ttl_s: -5 }, { service: 'web', ttl_s: 604_801 }, { service: 'web', ttl_s: '60' }, { service: 'web', extra: 1 }]) {
      expect((await call('POST', '/api/v1/sessions', body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('GET and DELETE /api/v1/sessions/{id}', () => {
  it('shows the record with its instance status, which follows the instance', async () => {
    await fleet([7001], 'v1');
    const { session_id } = (await call('POST', '/api/v1/sessions', { service: 'web', tenant_id: 'acme' })).body;
    const shown = await call('GET', `/api/v1/sessions/${session_id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ session_id, tenant_id: 'acme', runtime_version: 'v1', instance_status: 'ready', ended_at: null });
    await heartbeat([{ port: 7001, version: 'v1', status: 'unhealthy' }]);
    expect((await call('GET', `/api/v1/sessions/${session_id}`)).body.instance_status).toBe('unhealthy');
  });

  it('ends a session once (idempotent) and answers 404 for an unknown one', async () => {
    await fleet([7001], 'v1');
    const { session_id } = (await call('POST', '/api/v1/sessions', { service: 'web' })).body;
    const ended = await call('DELETE', `/api/v1/sessions/${session_id}`);
    expect(ended.status).toBe(200);
    expect(ended.body.ended_at).toBe(new Date(now).toISOString());
    now += 5000;
    expect((await call('DELETE', `/api/v1/sessions/${session_id}`)).body.ended_at).toBe(ended.body.ended_at);
    expect((await call('GET', '/api/v1/sessions/ses-nothing')).body.error.code).toBe('session_not_found');
    expect((await call('DELETE', '/api/v1/sessions/ses-nothing')).status).toBe(404);
  });

  it('an ended session no longer counts toward its instance load', async () => {
    await fleet([7001, 7002], 'v1');
    const first = (await call('POST', '/api/v1/sessions', { service: 'web' })).body;
    await call('DELETE', `/api/v1/sessions/${first.session_id}`);
    expect((await call('POST', '/api/v1/sessions', { service: 'web' })).body.instance_id).toBe(first.instance_id);
  });

  it('is listed in OpenAPI', async () => {
    const spec = (await call('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/sessions', '/api/v1/sessions/{session_id}']));
  });
});
