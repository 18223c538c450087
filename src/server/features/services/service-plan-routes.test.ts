/**
 * PUT /api/v1/services/{s} and its dry run on a real SQLite store through app.inject:
 * the plan says what the PUT changes, the dry run writes nothing (audit included), and a
 * host that never had an agent is accepted with a warning.
 */
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

async function put(body: unknown, query = '') {
  const response = await app.inject({ method: 'PUT', url: `/api/v1/services/web${query}`, headers: { authorization: `Bearer ${TOKEN}` }, payload: body as object });
  return { status: response.statusCode, body: response.json() };
}
async function heartbeat(host: string) {
  const response = await app.inject({ method: 'POST', url: `/api/v1/agents/${host}/heartbeat`, headers: { authorization: `Bearer ${TOKEN}` }, payload: { address: '127.0.0.1', agent_version: 'test', instances: [] } });
  expect(response.statusCode).toBe(200);
}
const spec = (ports: number[], extra: Record<string, unknown> = {}) => ({ start: 'node server.js', instances: ports.map((port) => ({ host: 'h1', port })), ...extra });

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  await heartbeat('h1');
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('PUT /api/v1/services/{service}?dry_run=true', () => {
  it('answers the plan of a PUT that drops two of three instances, and changes nothing', async () => {
    expect((await put(spec([7001, 7002, 7003], { env: { API_KEY: 'old' } }))).status).toBe(200);
    const auditBefore = await store.listAudit({});
    const dry = await put(spec([7001], { env: { API_KEY: 'new-secret' }, drain_s: 10 }), '?dry_run=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dry_run: true,
      service: 'web',
      plan: {
        service: 'web',
        creates_service: false,
        added: [],
        removed: [
          { instance_id: 'web-h1-7002', host: 'h1', port: 7002, version: null },
          { instance_id: 'web-h1-7003', host: 'h1', port: 7003, version: null },
        ],
        unchanged: ['web-h1-7001'],
        settings: [
          { field: 'drain_s', before: 0, after: 10 },
          { field: 'env', changed_keys: ['API_KEY'] },
        ],
        warnings: [],
        changes: true,
      },
      warnings: [],
    });
    expect(JSON.stringify(dry.body)).not.toContain('new-secret');
    expect((await store.listInstances({ service: 'web' })).filter((i) => i.removed_at === null)).toHaveLength(3);
    expect((await store.getService('web'))?.env).toEqual({ API_KEY: 'old' });
    expect(await store.listAudit({})).toEqual(auditBefore);
  });

  it('plans a service that does not exist yet without creating it', async () => {
    const dry = await put(spec([7001]), '?dry_run=true');
    expect(dry.body.plan).toMatchObject({ creates_service: true, added: [{ instance_id: 'web-h1-7001' }] });
    expect(await store.getService('web')).toBeUndefined();
  });

  it('refuses in a dry run what the real PUT would refuse', async () => {
    expect((await put(spec([7001, 7001]), '?dry_run=true')).body.error.code).toBe('duplicate_instance');
    expect((await put(spec([7001]), '?dry_run=maybe')).status).toBe(400);
  });
});

describe('PUT /api/v1/services/{service}', () => {
  it('answers the service with the plan it applied, and audits removals as instance_removed', async () => {
    await put(spec([7001, 7002]));
    const applied = await put(spec([7001, 7003]));
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({
      service: 'web',
      instances: [{ instance_id: 'web-h1-7001' }, { instance_id: 'web-h1-7003' }],
      plan: { added: [{ instance_id: 'web-h1-7003', host: 'h1', port: 7003 }], removed: [{ instance_id: 'web-h1-7002' }], unchanged: ['web-h1-7001'] },
      warnings: [],
    });
    const events = await store.listAudit({});
    expect(events.filter((e) => e.type === 'instance_removed').map((e) => e.instance_id)).toEqual(['web-h1-7002']);
    expect(events.map((e) => e.type)).not.toContain('instance_crashed');
    expect(events.at(-1)).toMatchObject({ type: 'service_updated', details: { added: ['web-h1-7003'], removed: ['web-h1-7002'] } });
  });

  it('accepts an instance on a host that never had an agent, with a warning', async () => {
    const applied = await put({ start: 'node server.js', instances: [{ host: 'web9', port: 8080 }] });
    expect(applied.status).toBe(200);
    expect(applied.body.warnings).toEqual(['host web9 has never had an agent; instance web-web9-8080 will start once an agent with --host-id web9 connects']);
    expect(applied.body.instances).toEqual([{ instance_id: 'web-web9-8080', host: 'web9', port: 8080 }]);
  });
});
