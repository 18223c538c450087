/**
 * The HTTP contract's refusals, against a real server on a real SQLite file: every bad
 * input gets its 4xx and code, and leaves nothing half-written (the audit trail shows
 * no event for a refused request).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTimers } from '../../src/config/timers.js';
import { FerryApi, refusalOf } from '../../src/local-fleet/ferry-api.js';
import { startServer } from '../../src/server/start-server.js';
import type { RunningServer } from '../../src/server/server-options.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

let server: RunningServer;
let api: FerryApi;
let dir: string;

const refusal = refusalOf;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-api-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, agentToken: 'agent-secret', timers: readTimers({}), logLevel: 'silent' });
  api = new FerryApi(server.url, server.adminToken);
  await api.put('/api/v1/services/web', { start: 'node server.js', instances: [{ host: 'h1', port: 7001 }] });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('creates an admin token file with mode 0600 when none is configured', () => {
    expect(server.adminTokenFile).toBe(join(dir, 'admin.token'));
    expect(statSync(server.adminTokenFile!).mode & 0o777).toBe(0o600);
  });

  it('answers 401 without a token and with a wrong one', async () => {
    expect((await refusal(new FerryApi(server.url, '').get('/api/v1/services'))).status).toBe(401);
    expect((await refusal(new FerryApi(server.url, 'nope').get('/api/v1/services'))).code).toBe('invalid_token');
  });

  it('limits the agent token to agent routes', async () => {
    const agent = new FerryApi(server.url, 'agent-secret');
    expect((await refusal(agent.get('/api/v1/services'))).status).toBe(403);
    const assignments = await agent.get('/api/v1/agents/h1/assignments');
    expect(assignments.instances.map((i: { instance_id: string }) => i.instance_id)).toEqual(['web-h1-7001']);
  });

  it('serves probes and OpenAPI', async () => {
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', ready: true });
    const version = await (await fetch(`${server.url}/version`)).json();
    expect(version.service).toBe('ferry-server');
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(['current', 'latest', '']).not.toContain(version.version);
    const openapi = await api.get('/api/v1/openapi.json');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/deployments', '/api/v1/rollbacks/batch', '/api/v1/vm/rebootstrap']));
  });
});

describe('releases', () => {
  it('registers once (201), accepts the identical release again (200), refuses a changed one (409)', async () => {
    const body = { service: 'web', version: '1.0.0', package_url: 'https://example.test/web-1.0.0.tgz', sha256: SHA_A };
    const first = await fetch(`${server.url}/api/v1/releases`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(first.status).toBe(201);
    const again = await fetch(`${server.url}/api/v1/releases`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(again.status).toBe(200);
    const changed = await refusal(api.post('/api/v1/releases', { ...body, sha256: SHA_B }));
    expect([changed.status, changed.code]).toEqual([409, 'release_immutable']);
    const { releases } = await api.get('/api/v1/services/web/releases');
    expect(releases).toHaveLength(1);
    expect(releases[0].sha256).toBe(SHA_A);
  });

  it.each([
    ['a floating label', { version: 'latest' }, 'invalid_version'],
    ['a path as version', { version: '../etc' }, 'invalid_version'],
    ['an upper-case service', { service: 'Web' }, 'invalid_service_name'],
    ['a short sha256', { sha256: 'abc' }, 'invalid_sha256'],
    ['an ftp package', { package_url: 'ftp://x/y.tgz' }, 'invalid_package_url'],
  ])('refuses %s with 400 and writes nothing', async (_name, override, code) => {
    const before = (await api.get('/api/v1/audit')).events.length;
    const error = await refusal(api.post('/api/v1/releases', { service: 'web', version: '2.0.0', package_url: 'https://e.test/p.tgz', sha256: SHA_A, ...override }));
    expect([error.status, error.code]).toEqual([400, code]);
    expect(error.body).toMatchObject({ error: { code, message: expect.any(String), details: expect.any(Object) } });
    expect((await api.get('/api/v1/audit')).events.length).toBe(before);
  });

  it('answers 400 for malformed JSON, never 500', async () => {
    const response = await fetch(`${server.url}/api/v1/releases`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: '{"service":' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBeTruthy();
  });
});

describe('deployments and rollbacks', () => {
  it('refuses unknown things with 404 and unregistered releases with 422', async () => {
    expect((await refusal(api.post('/api/v1/deployments', { service: 'nope', version: '1.0.0' }))).code).toBe('service_not_found');
    expect((await refusal(api.post('/api/v1/deployments', { service: 'web', version: '9.9.9' }))).code).toBe('release_not_registered');
    const unknownInstance = await refusal(api.post('/api/v1/deployments', { service: 'web', version: '1.0.0', instances: ['web-h9-1'] }));
    expect([unknownInstance.status, unknownInstance.code]).toEqual([404, 'instance_not_found']);
    expect((await refusal(api.get('/api/v1/deployments/dep-missing'))).code).toBe('deployment_not_found');
    expect((await refusal(api.get('/api/v1/rollbacks/rb-missing'))).status).toBe(404);
    expect((await refusal(api.get('/api/v1/services/nope/versions'))).status).toBe(404);
  });

  it('holds one active change per service and names the holder (409 service_locked)', async () => {
    const first = await api.post('/api/v1/deployments', { service: 'web', version: '1.0.0', deploy_id: 'dep-lock-test' });
    expect(first.deploy_id).toBe('dep-lock-test');
    const again = await api.post('/api/v1/deployments', { service: 'web', version: '1.0.0', deploy_id: 'dep-lock-test' });
    expect(again.deploy_id).toBe('dep-lock-test');
    const second = await refusal(api.post('/api/v1/deployments', { service: 'web', version: '1.0.0' }));
    expect([second.status, second.code]).toEqual([409, 'service_locked']);
    expect((second.body as any).error.details.holder.id).toBe('dep-lock-test');
    const service = await api.get('/api/v1/services/web');
    expect(service.lock.deploy_id).toBe('dep-lock-test');
    const deployments = await api.get('/api/v1/deployments?service=web');
    expect(deployments.deployments.filter((d: { deploy_id: string }) => d.deploy_id === 'dep-lock-test')).toHaveLength(1);
  });

  it('lets the one-click service rollback preempt the active deployment', async () => {
    // No agent keeps 0.8.0 and its package cannot be fetched: refused before anything changes.
    await api.post('/api/v1/releases', { service: 'web', version: '0.8.0', package_url: 'http://127.0.0.1:9/p-0.8.tgz', sha256: SHA_B });
    const unavailable = await refusal(api.post('/api/v1/services/web/rollback', { to_version: '0.8.0' }));
    expect([unavailable.status, unavailable.code]).toEqual([422, 'rollback_target_unavailable']);
    expect((await api.get('/api/v1/deployments/dep-lock-test')).status).not.toBe('aborted');
    // This test file stands in for a package that can still be downloaded.
    await api.post('/api/v1/releases', { service: 'web', version: '0.9.0', package_url: import.meta.url, sha256: SHA_B });
    const rollback = await api.post('/api/v1/services/web/rollback', { to_version: '0.9.0' });
    expect(rollback.rollback_id).toMatch(/^rb-/);
    expect((await api.get('/api/v1/deployments/dep-lock-test')).status).toBe('aborted');
    const types = (await api.get('/api/v1/audit?deploy_id=dep-lock-test')).events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['deploy_started', 'deploy_aborted']));
  });

  it('requires an explicit mode for rebootstrap', async () => {
    const missing = await refusal(api.post('/api/v1/vm/rebootstrap', { service: 'web' }));
    expect([missing.status, missing.code]).toEqual([400, 'mode_required']);
    expect((await refusal(api.post('/api/v1/vm/rebootstrap', { service: 'web', mode: 'reboot' }))).code).toBe('mode_required');
  });

  it('has no previous version to roll back to on a fresh service', async () => {
    await api.put('/api/v1/services/fresh', { start: 'node server.js', instances: [] });
    expect((await refusal(api.post('/api/v1/services/fresh/rollback', {}))).code).toBe('no_previous_version');
  });
});
