/**
 * `version_check` through PUT /api/v1/services/{s} on a real SQLite store (CONTRACT §2):
 * stored, shown and sent to the agents as the check they run; a service without one sends
 * `http` on its `version_path`. An unknown type, a `command` that is no argv array or a
 * `field` that is no dotted path is refused with 400 and writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';
import { buildAssignments } from '../agents/build-assignments.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let app: FastifyInstance;

async function put(extra: Record<string, unknown>) {
  const response = await app.inject({
    method: 'PUT',
    url: '/api/v1/services/web',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { start: 'node server.js', instances: [{ host: 'host-a', port: 7001 }], ...extra },
  });
  return { status: response.statusCode, body: response.json() };
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  await fake.store.upsertHost({ host: 'host-a', address: '127.0.0.1', agent_version: '0.1.0', last_heartbeat_at: Date.UTC(2026, 0, 1), kept_releases: {} });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('version_check in the service spec', () => {
  it.each([
    ['process', { type: 'process' }],
    ['http with a field', { type: 'http', path: '/about', field: 'build.version' }],
    ['http with a header', { type: 'http', path: '/', header: 'X-App-Version' }],
    ['command', { type: 'command', command: ['./app', '--version'], timeout_ms: 2000 }],
  ])('stores, shows and assigns %s', async (_name, check) => {
    const { status, body } = await put({ version_check: check });
    expect(status).toBe(200);
    expect(body.version_check).toEqual(check);
    expect((await fake.store.getService('web'))?.version_check).toEqual(check);
    expect((await buildAssignments(fake.ctx, 'host-a')).instances[0]?.version_check).toEqual(check);
  });

  it('without one, agents are sent http on the version path', async () => {
    expect((await put({ version_path: '/v' })).status).toBe(200);
    expect((await buildAssignments(fake.ctx, 'host-a')).instances[0]?.version_check).toEqual({ type: 'http', path: '/v' });
  });

  it.each([
    ['an unknown type', { type: 'pid' }],
    ['a command that is no argv array', { type: 'command', command: './app --version' }],
    ['an empty argv', { type: 'command', command: [] }],
    ['a field that is no dotted path', { type: 'http', path: '/version', field: 'build..version' }],
    ['a field with a pointer', { type: 'http', path: '/version', field: '/build/version' }],
    ['a path that is not absolute', { type: 'http', path: 'version' }],
    ['an unknown property', { type: 'process', pid: 4 }],
  ])('refuses %s with 400 and writes nothing', async (_what, check) => {
    const { status, body } = await put({ version_check: check });
    expect(status).toBe(400);
    expect(body.error.code).toBeTypeOf('string');
    expect(await fake.store.getService('web')).toBeUndefined();
  });
});
