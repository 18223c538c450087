/**
 * Smoke chains in a service's `verify` through PUT /api/v1/services/{s} on a real SQLite
 * store: a chain round-trips next to single checks; a chain that could never run, or one
 * over the bounds, is a 400 with the contract's error body and writes nothing, dry run too;
 * a step's header values show only to an admin, never in a plan or an audit event.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';
import { describeService, describeServices } from './service-presenter.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let app: FastifyInstance;

async function call(method: 'GET' | 'PUT', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}
const spec = (verify: unknown[]) => ({ start: 'node server.js', instances: [{ host: 'h1', port: 7001 }], verify });
const report = {
  name: 'report',
  timeout_ms: 20_000,
  steps: [
    { path: '/search?q=ferry', json: { '/results/0/name': 'ferry' } },
    { method: 'POST', path: '/reports', body: { query: 'ferry' }, expect_status: 202, capture: { report_id: '/id' } },
    { path: '/reports/{report_id}', json: { '/status': 'done' }, retry: { until_ms: 5000 } },
    { path: '/files/{report_id}', content_type: 'application/pdf', min_bytes: 300, body_contains: '%PDF', sha256: 'ab'.repeat(32) },
  ],
};

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('smoke chains in PUT /api/v1/services/{service}', () => {
  it('stores a chain next to a single check and answers both as declared', async () => {
    expect((await call('PUT', '/api/v1/services/web', spec([{ path: '/check' }, report]))).status).toBe(200);
    expect((await call('GET', '/api/v1/services/web')).body.verify).toEqual([{ path: '/check' }, report]);
  });

  it.each<[string, unknown, string]>([
    ['a variable no earlier step captures', { name: 'report', steps: [{ path: '/files/{report_id}' }] }, 'bad_smoke_chain'],
    ['a capture that is no JSON pointer', { name: 'report', steps: [{ path: '/x', capture: { id: 'id' } }] }, 'bad_smoke_chain'],
    ['21 steps', { name: 'report', steps: Array.from({ length: 21 }, () => ({ path: '/x' })) }, 'invalid_request'],
    ['an unknown step field', { name: 'report', steps: [{ path: '/x', expect: 200 }] }, 'invalid_request'],
    ['a sha256 that is no hex digest', { name: 'report', steps: [{ path: '/x', sha256: 'abc' }] }, 'invalid_request'],
    ['a method the agent cannot send', { name: 'report', steps: [{ path: '/x', method: 'TRACE' }] }, 'invalid_request'],
    ['a header the HTTP client owns', { name: 'report', steps: [{ path: '/x', headers: { 'Transfer-Encoding': 'chunked' } }] }, 'bad_smoke_chain'],
    ['a header value with a line break', { name: 'report', steps: [{ path: '/x', headers: { 'x-a': 'one\r\nx-b: two' } }] }, 'bad_smoke_chain'],
    ['a string body over 64 KiB', { name: 'report', steps: [{ path: '/x', method: 'POST', body: 'x'.repeat(64 * 1024 + 1) }] }, 'bad_smoke_chain'],
  ])('refuses %s with a 400, writing nothing, dry run too', async (_name, chain, code) => {
    for (const query of ['?dry_run=true', '']) {
      const refused = await call('PUT', `/api/v1/services/web${query}`, spec([chain]));
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe(code);
      expect(typeof refused.body.error.message).toBe('string');
    }
    expect((await call('GET', '/api/v1/services/web')).status).toBe(404);
  });

  it('names the chain, the step and the variable', async () => {
    const refused = await call('PUT', '/api/v1/services/web', spec([report, { name: 'two', steps: [{ path: '/a', capture: { a: '/a' } }, { path: '/b/{b}' }] }]));
    expect(refused.body.error.message).toBe('smoke chain "two" step 2 uses {b}, which no earlier step captures (captured before it: a)');
  });

  it('masks a step\'s header values in the plan, the audit and below admin, and keeps them for the agents', async () => {
    const login = { name: 'login', steps: [{ path: '/me', headers: { authorization: 'Bearer s3cret' } }] };
    const put = await call('PUT', '/api/v1/services/web', spec([login]));
    expect(put.body.plan.settings).toContainEqual({ field: 'verify', before: null, after: [{ name: 'login', steps: [{ path: '/me', headers: { authorization: '***' } }] }] });
    expect(JSON.stringify(await fake.store.listAudit({}))).not.toContain('s3cret');
    expect((await describeService(fake.ctx, 'web', { secrets: false })).verify).toEqual([{ name: 'login', steps: [{ path: '/me', headers: { authorization: '***' } }] }]);
    expect(JSON.stringify(await describeServices(fake.ctx))).not.toContain('s3cret');
    expect((await call('GET', '/api/v1/services/web')).body.verify).toEqual([login]);
    expect((await fake.store.getService('web'))?.verify).toEqual([login]);
  });

  it('answers 200 or 400, never a 500, whatever a step holds; a body nested without end included', async () => {
    const deep = `{"start":"x","instances":[],"verify":[{"name":"n","steps":[{"method":"POST","path":"/x","body":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}]}`;
    const response = await app.inject({ method: 'PUT', url: '/api/v1/services/web', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: deep });
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'bad_smoke_chain']);
    const step = fc.record(
      {
        method: fc.constantFrom('GET', 'POST', 'PUT', 'get'),
        path: fc.oneof(fc.constant('/x/{id}'), fc.string({ maxLength: 12 }).map((p) => `/${p}`)),
        body: fc.jsonValue({ maxDepth: 4 }),
        headers: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }),
        capture: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
        json: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 2 }),
      },
      { requiredKeys: ['path'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 3 }), async (steps) => {
        const status = (await call('PUT', '/api/v1/services/web?dry_run=true', spec([{ name: 'n', steps }]))).status;
        expect([200, 400]).toContain(status);
      }),
      { numRuns: 60 },
    );
  });
});
