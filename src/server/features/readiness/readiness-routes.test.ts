/**
 * Evidence, readiness and the release view against a real server on loopback over a real
 * SQLite store, with the test's clock: each refusal with its code and nothing stored, the
 * §4 shapes, the audit events, and the newest evaluation kept per release.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { registerRelease } from '../releases/release-service.js';
import { applyServiceSpec } from '../services/apply-service-spec.js';
import { listeningApp } from '../../../testing/listening-app.js';

const ADMIN = 'readiness-test-admin';
const T = Date.UTC(2026, 0, 1);
const alice = { actor: 'alice', correlationId: 'c-setup' };
let now = T;
let fake: FakeServerContext;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  fake = await openFakeServerContext({ now: () => now });
  await applyServiceSpec(fake.ctx, 'web', { start: 'node server.js', instances: [{ host: 'h1', port: 7001 }], readiness: { required: ['quality', 'security', 'x-load'] } }, alice);
  for (const version of ['2.0.0', '3.0.0', '4.0.0']) {
    await registerRelease(fake.ctx, { service: 'web', version, package_url: `https://example.test/web-${version}.tgz`, sha256: 'a'.repeat(64) }, alice);
  }
  ({ app, url } = await listeningApp(fake.ctx, { admin: ADMIN, agent: null }));
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

type Body = Record<string, any>;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

const evidence = (version: string, body: unknown) => call('POST', `/api/v1/releases/web/${version}/evidence`, body);

describe('POST /api/v1/releases/{service}/{version}/evidence', () => {
  it('201 the record, source ci by default, audited evidence_recorded', async () => {
    const { status, body } = await evidence('2.0.0', { check: 'quality', passed: true, summary: '412 tests, 0 failures', url: 'https://ci.test/runs/7', details: { tests: 412 } });
    expect(status).toBe(201);
    expect(body).toMatchObject({ service: 'web', version: '2.0.0', check: 'quality', passed: true, summary: '412 tests, 0 failures', url: 'https://ci.test/runs/7', details: { tests: 412 }, source: 'ci', actor: 'admin', recorded_at: new Date(T).toISOString() });
    expect(body.id).toEqual(expect.any(Number));
    const events = await fake.store.listAudit({ type: 'evidence_recorded' });
    expect(events.at(-1)).toMatchObject({ service: 'web', version: '2.0.0', details: { evidence_id: body.id, check: 'quality', passed: true, source: 'ci' } });
  });

  it('keeps a named source', async () => {
    const { status, body } = await evidence('4.0.0', { check: 'x-load', passed: false, source: 'jenkins' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ source: 'jenkins', summary: null, url: null, details: null });
  });

  it.each([
    [400, 'unknown_check', '2.0.0', { check: 'lint', passed: true }],
    [400, 'source_reserved', '2.0.0', { check: 'rollout', passed: true, source: 'ferry' }],
    [400, 'check_reserved', '2.0.0', { check: 'replay', passed: true }],
    [400, 'check_reserved', '2.0.0', { check: 'replay', passed: true, source: 'ci' }],
    [400, 'summary_too_long', '2.0.0', { check: 'quality', passed: true, summary: 's'.repeat(2001) }],
    [400, 'invalid_evidence_url', '2.0.0', { check: 'quality', passed: true, url: 'file:///etc/passwd' }],
    [400, 'details_too_large', '2.0.0', { check: 'quality', passed: true, details: { blob: 'x'.repeat(70_000) } }],
    [400, 'invalid_request', '2.0.0', { check: 'quality' }],
    [400, 'invalid_request', '2.0.0', { check: 'quality', passed: 'yes' }],
    [400, 'invalid_version', 'latest', { check: 'quality', passed: true }],
    [404, 'release_not_found', '9.9.9', { check: 'quality', passed: true }],
  ])('%d %s, nothing stored', async (status, code, version, body) => {
    const before = (await fake.store.listAudit({ type: 'evidence_recorded' })).length;
    const answer = await evidence(version, body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(await fake.store.listEvidence('web', version)).toEqual(version === '2.0.0' ? [expect.objectContaining({ check: 'quality', passed: true })] : []);
    expect(await fake.store.listAudit({ type: 'evidence_recorded' })).toHaveLength(before);
  });
});

describe('readiness', () => {
  it('GET …/readiness is 404 readiness_not_evaluated before any evaluation, 404 release_not_found for an unknown release', async () => {
    expect(await call('GET', '/api/v1/releases/web/3.0.0/readiness')).toMatchObject({ status: 404, body: { error: { code: 'readiness_not_evaluated' } } });
    expect(await call('GET', '/api/v1/releases/web/9.9.9/readiness')).toMatchObject({ status: 404, body: { error: { code: 'release_not_found' } } });
    expect(await call('POST', '/api/v1/releases/web/9.9.9/readiness/evaluate')).toMatchObject({ status: 404, body: { error: { code: 'release_not_found' } } });
  });

  it('evaluate answers the §4 shape against the service’s required checks, stores it and audits readiness_evaluated', async () => {
    now = T + 1000;
    await evidence('3.0.0', { check: 'quality', passed: true, summary: 'ok' });
    await evidence('3.0.0', { check: 'security', passed: false });
    const { status, body } = await call('POST', '/api/v1/releases/web/3.0.0/readiness/evaluate');
    expect(status).toBe(200);
    expect(body).toEqual({
      service: 'web',
      version: '3.0.0',
      admitted: false,
      failed_checks: ['security'],
      missing_checks: ['x-load'],
      checks: {
        quality: { passed: true, at: new Date(T + 1000).toISOString(), source: 'ci', summary: 'ok', url: null, fresh: true },
        security: { passed: false, at: new Date(T + 1000).toISOString(), source: 'ci', summary: null, url: null, fresh: true },
      },
      replay_passed: false,
      required: ['quality', 'security', 'x-load'],
      evaluated_at: new Date(T + 1000).toISOString(),
      actor: 'admin',
      correlation_id: expect.any(String),
    });
    expect((await call('GET', '/api/v1/releases/web/3.0.0/readiness')).body).toEqual(body);
    const event = (await fake.store.listAudit({ type: 'readiness_evaluated' })).at(-1);
    expect(event).toMatchObject({ service: 'web', version: '3.0.0', details: { admitted: false, failed_checks: ['security'], missing_checks: ['x-load'], replay_passed: false } });
  });

  it('GET …/readiness returns the newest evaluation, not a fresh judgement', async () => {
    now = T + 2000;
    await evidence('3.0.0', { check: 'security', passed: true });
    expect((await call('GET', '/api/v1/releases/web/3.0.0/readiness')).body.failed_checks).toEqual(['security']);
    const second = await call('POST', '/api/v1/releases/web/3.0.0/readiness/evaluate');
    expect(second.body).toMatchObject({ failed_checks: [], missing_checks: ['x-load'], evaluated_at: new Date(T + 2000).toISOString() });
    expect((await call('GET', '/api/v1/releases/web/3.0.0/readiness')).body).toEqual(second.body);
  });
});

describe('GET /api/v1/releases/{service}/{version}', () => {
  it('the release with every record oldest first and the last readiness', async () => {
    const { status, body } = await call('GET', '/api/v1/releases/web/3.0.0');
    expect(status).toBe(200);
    expect(body).toMatchObject({ service: 'web', version: '3.0.0', sha256: 'a'.repeat(64), package_url: 'https://example.test/web-3.0.0.tgz' });
    expect(body.evidence.map((e: Body) => [e.check, e.passed])).toEqual([
      ['quality', true],
      ['security', false],
      ['security', true],
    ]);
    expect(body.readiness).toMatchObject({ admitted: false, missing_checks: ['x-load'] });
  });

  it('readiness is null when never evaluated; 404 release_not_found for an unknown release', async () => {
    expect((await call('GET', '/api/v1/releases/web/4.0.0')).body).toMatchObject({ version: '4.0.0', readiness: null, evidence: [expect.objectContaining({ check: 'x-load' })] });
    expect(await call('GET', '/api/v1/releases/web/9.9.9')).toMatchObject({ status: 404, body: { error: { code: 'release_not_found' } } });
  });
});
