/**
 * The access matrix, generated from the router's own route table: every route × every
 * caller × every spelling of its path, against a real server on a real SQLite store.
 * The expected permission of each route is written here from CONTRACT §9, independently
 * of the code; a route added without a line below fails the first test.
 *
 * Spellings: the plain path, the path with percent-encoded letters (`/%61pi/v%31/…`),
 * and the absolute-form target (`GET http://host/api/v1/… HTTP/1.1`). The router decodes
 * and strips those, so the same route matches and the same decision must follow; `//…`
 * and `/a/../a/…` match no route and must answer 404 or that same decision.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../src/testing/fake-server-context.js';
import { buildApp } from '../../src/server/http/build-app.js';
import { createToken } from '../../src/server/features/tokens/token-service.js';
import { errorCode, rawRequest, type RawAnswer } from './raw-http.js';

type Need = 'public' | 'read' | 'sessions' | 'deploy' | 'admin' | 'agent';

/** CONTRACT §9, route by route. */
const EXPECTED: Record<string, Need> = {
  'GET /healthz': 'public',
  'GET /version': 'public',
  'GET /metrics': 'public',
  'GET /api/v1/openapi.json': 'public',
  'POST /api/v1/releases': 'admin',
  'GET /api/v1/services/:service/releases': 'read',
  'GET /api/v1/releases/:service/:version/preflight': 'read',
  'GET /api/v1/releases/:service/:version': 'read',
  'POST /api/v1/releases/:service/:version/evidence': 'deploy',
  'POST /api/v1/releases/:service/:version/readiness/evaluate': 'deploy',
  'GET /api/v1/releases/:service/:version/readiness': 'read',
  'PUT /api/v1/services/:service': 'admin',
  'GET /api/v1/services': 'read',
  'GET /api/v1/services/:service': 'read',
  'GET /api/v1/hosts': 'read',
  'GET /api/v1/services/:service/instances': 'read',
  'GET /api/v1/services/:service/versions': 'read',
  'GET /api/v1/instances/:id/history': 'read',
  'POST /api/v1/instances/:id/release': 'deploy',
  'DELETE /api/v1/instances/:id/pin': 'deploy',
  'POST /api/v1/deployments': 'deploy',
  'GET /api/v1/deployments/:id': 'read',
  'GET /api/v1/deployments/:id/analysis': 'read',
  'POST /api/v1/deployments/:id/abort': 'deploy',
  'POST /api/v1/deployments/:id/pause': 'deploy',
  'POST /api/v1/deployments/:id/resume': 'deploy',
  'POST /api/v1/deployments/:id/promote': 'deploy',
  'GET /api/v1/deployments': 'read',
  'POST /api/v1/rollbacks/instance': 'deploy',
  'POST /api/v1/rollbacks/batch': 'deploy',
  'POST /api/v1/services/:service/rollback': 'deploy',
  'GET /api/v1/rollbacks/:id': 'read',
  'GET /api/v1/rollbacks': 'read',
  'GET /api/v1/services/:service/channels': 'read',
  'POST /api/v1/services/:service/channels/:channel/deploy': 'deploy',
  'POST /api/v1/services/:service/channels/promote': 'deploy',
  'POST /api/v1/services/:service/channels/:channel/rollback': 'deploy',
  'POST /api/v1/vm/rebootstrap': 'deploy',
  'GET /api/v1/audit': 'read',
  'GET /api/v1/alerts': 'read',
  'POST /api/v1/releases/:service/:version/replay': 'deploy',
  'GET /api/v1/replays/:id': 'read',
  'GET /api/v1/releases/:service/:version/replays': 'read',
  'GET /api/v1/audit/stream': 'read',
  'POST /api/v1/sessions': 'sessions',
  'GET /api/v1/sessions/:session_id': 'read',
  'DELETE /api/v1/sessions/:session_id': 'sessions',
  'GET /api/v1/agents/:host/assignments': 'agent',
  'POST /api/v1/agents/:host/heartbeat': 'agent',
  'GET /api/v1/instances/:id/logs': 'admin',
  'POST /api/v1/agents/:host/logs/:request_id': 'agent',
  'POST /api/v1/tokens': 'admin',
  'GET /api/v1/tokens': 'admin',
  'DELETE /api/v1/tokens/:token_id': 'admin',
  'POST /api/v1/freezes': 'admin',
  'GET /api/v1/freezes': 'read',
  'GET /api/v1/freezes/:freeze_id': 'read',
  'DELETE /api/v1/freezes/:freeze_id': 'admin',
};

/** Which callers each need admits (CONTRACT §9; admin may call every route). */
const ADMITS: Record<Exclude<Need, 'public'>, string[]> = {
  read: ['viewer', 'sessions', 'deployer', 'admin'],
  sessions: ['sessions', 'admin'],
  deploy: ['deployer', 'admin'],
  admin: ['admin'],
  agent: ['agent-h1', 'shared-agent', 'admin'],
};

const ADMIN = 'bootstrap-admin-secret';
const SHARED_AGENT = 'shared-agent-secret';

let fake: FakeServerContext;
let app: FastifyInstance;
let port: number;
const secrets: Record<string, string | undefined> = {};

beforeAll(async () => {
  fake = await openFakeServerContext({ now: Date.now });
  app = await buildApp(fake.ctx, { admin: ADMIN, agent: SHARED_AGENT });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  const caller = { actor: 'admin', correlationId: 'test' };
  for (const role of ['viewer', 'sessions', 'deployer'] as const) secrets[role] = (await createToken(fake.ctx, { name: `t-${role}`, role }, caller)).secret;
  secrets['agent-h1'] = (await createToken(fake.ctx, { name: 'agent-h1', role: 'agent', host_id: 'h1' }, caller)).secret;
  secrets.admin = ADMIN;
  secrets['shared-agent'] = SHARED_AGENT;
  secrets['wrong token'] = 'fy_not-a-token';
  secrets['no token'] = undefined;
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

/** The route's path with its parameters filled; agent routes act for host h1 unless told otherwise. */
function concrete(url: string, host = 'h1'): string {
  const path = url.replace(':host', host).replace(/:[a-z_]+/g, 'nothing-here');
  // An admitted caller would get a stream that never ends; a malformed resume id makes it a 400 after the access check.
  return url === '/api/v1/audit/stream' ? `${path}?last_event_id=not-an-id` : path;
}

const SPELLINGS: Record<string, (path: string) => string> = {
  plain: (path) => path,
  'percent-encoded': (path) => path.replace(/^\/api\/v1\//, '/%61pi/v%31/').replace(/^\/(healthz|version|metrics)/, (m) => `/%${m.charCodeAt(1).toString(16)}${m.slice(2)}`),
  'absolute-form': (path) => `http://127.0.0.1:${port}${path}`,
};

function send(method: string, target: string, token: string | undefined): Promise<RawAnswer> {
  const body = method === 'POST' || method === 'PUT' ? '{}' : undefined;
  return rawRequest(port, method, target, { ...(token !== undefined ? { token } : {}), ...(body !== undefined ? { body } : {}) });
}

describe('the route table', () => {
  it('has exactly the routes of the matrix, each with the permission the contract gives it', () => {
    const table = Object.fromEntries(app.routeAccess.filter((r) => r.method !== 'HEAD').map((r) => [`${r.method} ${r.url}`, r.access]));
    expect(table).toEqual(EXPECTED);
    for (const head of app.routeAccess.filter((r) => r.method === 'HEAD')) expect(head.access, head.url).toBe(EXPECTED[`GET ${head.url}`]);
  });

  it('refuses to register a route that declares no access rule', async () => {
    const other = await buildApp(fake.ctx, { admin: ADMIN, agent: null });
    expect(() => other.get('/api/v1/unguarded', async () => ({}))).toThrow(/declares no access rule/);
    await other.close();
  });
});

describe('every route × every caller × every spelling', () => {
  for (const [key, need] of Object.entries(EXPECTED)) {
    const [method, url] = key.split(' ') as [string, string];
    it(`${key} (${need})`, async () => {
      for (const [caller, token] of Object.entries(secrets)) {
        const plain = await send(method, concrete(url), token);
        const admitted = need === 'public' || (ADMITS[need]?.includes(caller) ?? false);
        if (admitted) {
          expect([401, 403], `${caller} on ${key}: ${plain.body}`).not.toContain(plain.status);
        } else if (token === undefined) {
          expect([plain.status, errorCode(plain)], caller).toEqual([401, 'unauthenticated']);
        } else if (caller === 'wrong token') {
          expect([plain.status, errorCode(plain)], caller).toEqual([401, 'invalid_token']);
        } else {
          expect([plain.status, errorCode(plain)], `${caller} on ${key}`).toEqual([403, 'forbidden']);
        }
        expect(plain.status, `${caller} on ${key}: ${plain.body}`).toBeLessThan(500);
        if (admitted) continue;
        for (const [spelling, spell] of Object.entries(SPELLINGS)) {
          const other = await send(method, spell(concrete(url)), token);
          expect([other.status, errorCode(other)], `${caller}, ${spelling} ${key}`).toEqual([plain.status, errorCode(plain)]);
        }
        // These spellings match no route at all: the answer is 404, never the route.
        for (const target of [`/${concrete(url)}`, concrete(url).replace(/^\/([^/]+)\//, '/$1/../$1/')]) {
          const other = await send(method, target, token);
          expect([plain.status, 404], `${caller}, ${target}`).toContain(other.status);
        }
      }
    });
  }

  it('an agent token bound to h1 may not act for h2, in any spelling', async () => {
    for (const key of ['GET /api/v1/agents/:host/assignments', 'POST /api/v1/agents/:host/heartbeat']) {
      const [method, url] = key.split(' ') as [string, string];
      for (const spell of Object.values(SPELLINGS)) {
        const answer = await send(method, spell(concrete(url, 'h2')), secrets['agent-h1']);
        expect([answer.status, errorCode(answer)], key).toEqual([403, 'forbidden']);
        expect(JSON.parse(answer.body).error.message).toContain('bound to host "h1"');
      }
      expect((await send(method, concrete(url, 'h2'), SHARED_AGENT)).status).not.toBe(403);
    }
  });
});
