/**
 * `ferry rollback` and `ferry unpin` in-process against a real HTTP server (fastify on
 * loopback) on a real SQLite store; the store is arranged directly (desired versions,
 * pins) and instances report their versions through real heartbeats.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../testing/fake-server-context.js';
import { buildApp } from '../../server/http/build-app.js';
import { runFerry } from '../../testing/fake-terminal.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let app: FastifyInstance;
let url: string;
const admin = () => ['--server', url, '--token', TOKEN];

async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
  const response = await app.inject({ method, url: path, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return response.json();
}

/** `service` on `host` with one instance per port, desired 1.0.0 after 0.9.0, each instance answering its version. */
async function fleet(service: string, host: string, running: Record<number, string>) {
  await call('PUT', `/api/v1/services/${service}`, { start: 'node server.js', instances: Object.keys(running).map((port) => ({ host, port: Number(port) })) });
  for (const version of ['0.9.0', '1.0.0', '1.1.0']) {
    await call('POST', '/api/v1/releases', { service, version, package_url: `https://example.test/${service}-${version}.tgz`, sha256: 'a'.repeat(64) });
  }
  await fake.store.setServiceVersions(service, { desired_version: '1.0.0', previous_version: '0.9.0', updated_at: Date.now() });
  const instances = Object.entries(running).map(([port, version]) => ({ instance_id: `${service}-${host}-${port}`, service, status: 'ready', version, pid: 1, achieved_generation: 0, outcome: null }));
  await call('POST', `/api/v1/agents/${host}/heartbeat`, { address: '127.0.0.1', agent_version: 'test', instances, kept_releases: { [service]: ['0.9.0', '1.0.0', '1.1.0'] } });
}

beforeAll(async () => {
  fake = await openFakeServerContext({ now: Date.now });
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

describe('ferry rollback', () => {
  it('during a paused canary of 1.1.0, rolls back to the desired 1.0.0 and says why', async () => {
    await fleet('web', 'h1', { 7001: '1.1.0', 7002: '1.0.0' });
    const started = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] } });
    await fake.store.updateOperation(started.deploy_id, { status: 'paused', updated_at: Date.now() });

    const run = await runFerry(['rollback', 'web', ...admin()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^rb-[0-9a-f]+\n$/);
    expect(run.stderr).toBe('rolling web back to 1.0.0 (the desired version: a deployment that never became desired has instances on another version)\n');
  });

  it('--instance refuses a target newer than what the instance runs before asking for any rollback (exit 2, one line)', async () => {
    await fleet('api', 'h2', { 7001: '0.8.0', 7002: '1.1.0' });
    const refused = await runFerry(['rollback', 'api', '--instance', 'api-h2-7001', ...admin()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('1.0.0 is newer than 0.8.0');
    expect((await call('GET', '/api/v1/rollbacks?service=api')).rollbacks).toEqual([]);

    const named = await runFerry(['rollback', 'api', '--instance', 'api-h2-7001', '--to', '1.0.0', ...admin()]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toContain('rolling api-h2-7001 back to 1.0.0 (as asked with --to)');
  });

  it('--instance on a canary instance goes to the desired version', async () => {
    await fleet('jobs', 'h4', { 7001: '1.1.0' });
    const run = await runFerry(['rollback', 'jobs', '--instance', 'jobs-h4-7001', ...admin()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('rolling jobs-h4-7001 back to 1.0.0 (the desired version; jobs-h4-7001 runs 1.1.0)');
  });
});

describe('ferry unpin', () => {
  it('returns a pinned instance to the desired version; an unknown one exits 2', async () => {
    await fleet('db', 'h3', { 7001: '0.9.0' });
    await fake.store.setInstancePin('db-h3-7001', '0.9.0');
    const run = await runFerry(['unpin', 'db-h3-7001', ...admin()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('unpinned db-h3-7001 (db, was pinned to 0.9.0); it now runs toward 1.0.0\n');
    expect(await runFerry(['unpin', 'db-h3-7001', ...admin()])).toMatchObject({ code: 0, stdout: 'db-h3-7001 is not pinned; nothing changed\n' });
    expect(await runFerry(['unpin', 'db-h9-1', ...admin()])).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') });
  });
});
