/**
 * Regression tests for what the security pass found on a running server (issue: auth
 * bypass, secrets, slow bodies, loose validation), against real servers on real SQLite
 * files. Each exact request from the report is replayed.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTimers } from '../../src/config/timers.js';
import { FerryApi, refusalOf } from '../../src/local-fleet/ferry-api.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import type { RunningServer } from '../../src/server/server-options.js';
import { startServer } from '../../src/server/start-server.js';
import { errorCode, rawRequest } from './raw-http.js';

const SHA = 'a'.repeat(64);
let dir: string;
let server: RunningServer;
let port: number;
let admin: FerryApi;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-hardening-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, agentToken: 'agent-secret', timers: readTimers({}), logLevel: 'silent' });
  port = Number(new URL(server.url).port);
  admin = new FerryApi(server.url, server.adminToken);
  await admin.put('/api/v1/services/web', { start: 'node server.js', env: { DB_PASSWORD: 'hunter2' }, instances: [{ host: 'h1', port: 7001 }] });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function auditCount(): Promise<number> {
  return (await admin.get('/api/v1/audit')).events.length;
}

describe('the reported bypasses are closed', () => {
  it.each([
    ['GET', '/%61pi/v1/audit'],
    ['GET', '/api/v%31/services'],
    ['GET', 'http://127.0.0.1:PORT/api/v1/hosts'],
    ['GET', '/api/v1/agents/h1/assignments'],
    ['POST', '/api/v1/agents/h1/heartbeat'],
    ['POST', '/api/v1/sessions'],
    ['POST', '/api/v1/releases'],
  ])('%s %s without a token → 401, never a 500', async (method, target) => {
    const before = await auditCount();
    const answer = await rawRequest(port, method, target.replace('PORT', String(port)), method === 'POST' ? { body: '{"service":"web","version":"1.0.0","package_url":"https://x/y.tgz","sha256":"' + SHA + '"}' } : {});
    expect([answer.status, errorCode(answer)]).toEqual([401, 'unauthenticated']);
    expect(await auditCount()).toBe(before);
  });

  it('the agent token cannot reach admin routes through an absolute-form target', async () => {
    const answer = await rawRequest(port, 'GET', `http://127.0.0.1:${port}/api/v1/hosts`, { token: 'agent-secret' });
    expect([answer.status, errorCode(answer)]).toEqual([403, 'forbidden']);
  });
});

describe('named tokens', () => {
  it('creates a token shown once, lists it without secrets, records its name as the actor, and revokes it at once', async () => {
    const created = await admin.post('/api/v1/tokens', { name: 'ci-deployer', role: 'deployer' });
    expect(created).toMatchObject({ name: 'ci-deployer', role: 'deployer', host_id: null, expires_at: null, status: 'active' });
    expect(created.token).toMatch(/^fy_/);
    const listed = await admin.get('/api/v1/tokens');
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toMatch(/[0-9a-f]{64}/);
    expect(listed.tokens.map((t: { name: string }) => t.name)).toContain('ci-deployer');

    const deployer = new FerryApi(server.url, created.token);
    const refused = await refusalOf(deployer.post('/api/v1/releases', { service: 'web', version: '9.9.9', package_url: 'https://x/y.tgz', sha256: SHA }));
    expect([refused.status, refused.code]).toEqual([403, 'forbidden']);
    expect(refused.message).toContain('admin');
    await refusalOf(deployer.post('/api/v1/deployments', { service: 'web', version: 'nope' }));
    const events = (await admin.get('/api/v1/audit?type=token_created')).events;
    expect(events.at(-1)).toMatchObject({ actor: 'admin', details: { name: 'ci-deployer', role: 'deployer' } });
    expect(JSON.stringify(events)).not.toContain(created.token);

    await admin.request('DELETE', `/api/v1/tokens/${created.token_id}`);
    expect((await refusalOf(deployer.get('/api/v1/services'))).code).toBe('invalid_token');
    expect((await admin.get('/api/v1/audit?type=token_revoked')).events.at(-1)).toMatchObject({ details: { token_id: created.token_id } });
  });

  it('audits writes under the token name', async () => {
    const { token } = await admin.post('/api/v1/tokens', { name: 'release-bot', role: 'admin' });
    await new FerryApi(server.url, token).post('/api/v1/releases', { service: 'web', version: '2.0.0', package_url: 'https://pkg.example/web-2.0.0.tgz', sha256: SHA });
    expect((await admin.get('/api/v1/audit?type=release_registered')).events.at(-1).actor).toBe('release-bot');
  });

  it.each([
    [{ name: 'x', role: 'root' }, 'invalid_role'],
    [{ name: 'admin', role: 'viewer' }, 'invalid_token_name'],
    [{ name: 'bad name', role: 'viewer' }, 'invalid_token_name'],
    [{ name: 'a1', role: 'agent' }, 'host_required'],
    [{ name: 'a2', role: 'viewer', host_id: 'h1' }, 'host_not_allowed'],
    [{ name: 'a3', role: 'viewer', expires_at: '2020-01-01T00:00:00Z' }, 'invalid_time'],
    [{ name: 'a4', role: 'viewer', expires_at: 'soon' }, 'invalid_time'],
  ])('refuses %j with %s and writes nothing', async (body, code) => {
    const before = (await admin.get('/api/v1/tokens')).tokens.length;
    const refused = await refusalOf(admin.post('/api/v1/tokens', body));
    expect([refused.status, refused.code]).toEqual([400, code]);
    expect((await admin.get('/api/v1/tokens')).tokens.length).toBe(before);
  });

  it('refuses a second live token with the same name', async () => {
    await admin.post('/api/v1/tokens', { name: 'twice', role: 'viewer' });
    expect((await refusalOf(admin.post('/api/v1/tokens', { name: 'twice', role: 'viewer' }))).code).toBe('token_exists');
  });

  it('an agent token bound to h1 may poll and report for h1 only', async () => {
    const { token } = await admin.post('/api/v1/tokens', { name: 'agent-h1', role: 'agent', host_id: 'h1' });
    const agent = new FerryApi(server.url, token);
    expect((await agent.get('/api/v1/agents/h1/assignments')).instances).toHaveLength(1);
    const report = { address: '127.0.0.1', agent_version: 't', instances: [] };
    await agent.post('/api/v1/agents/h1/heartbeat', report);
    const refused = await refusalOf(agent.post('/api/v1/agents/h2/heartbeat', report));
    expect([refused.status, refused.code]).toEqual([403, 'forbidden']);
    expect((await admin.get('/api/v1/hosts')).hosts.map((h: { host: string }) => h.host)).not.toContain('h2');
  });
});

describe('secrets', () => {
  it('shows env values to admins only; every other role sees ***', async () => {
    expect((await admin.get('/api/v1/services/web')).env).toEqual({ DB_PASSWORD: 'hunter2' });
    for (const role of ['viewer', 'sessions', 'deployer']) {
      const { token } = await admin.post('/api/v1/tokens', { name: `env-${role}`, role });
      const seen = await new FerryApi(server.url, token).get('/api/v1/services/web');
      expect(seen.env).toEqual({ DB_PASSWORD: '***' });
      expect(JSON.stringify(await new FerryApi(server.url, token).get('/api/v1/services'))).not.toContain('hunter2');
    }
  });

  it('keeps the data dir 0700 and the SQLite file 0600', () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ferry.db')).mode & 0o777).toBe(0o600);
  });

  it('tightens an existing 0755 data dir and 0644 store on start', async () => {
    const other = mkdtempSync(join(tmpdir(), 'ferry-modes-'));
    chmodSync(other, 0o755);
    writeFileSync(join(other, 'ferry.db'), '');
    chmodSync(join(other, 'ferry.db'), 0o644);
    const s = await startServer({ host: '127.0.0.1', port: 0, dataDir: other, adminToken: 'x', timers: readTimers({}), logLevel: 'silent' });
    await s.close();
    expect(statSync(other).mode & 0o777).toBe(0o700);
    expect(statSync(join(other, 'ferry.db')).mode & 0o777).toBe(0o600);
    rmSync(other, { recursive: true, force: true });
  });

  it('refuses an admin.token that others can read, saying how to fix it', async () => {
    const other = mkdtempSync(join(tmpdir(), 'ferry-exposed-'));
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'admin.token'), 'secret\n', { mode: 0o644 });
    chmodSync(join(other, 'admin.token'), 0o644);
    await expect(startServer({ host: '127.0.0.1', port: 0, dataDir: other, timers: readTimers({}), logLevel: 'silent' })).rejects.toThrow(/chmod 600/);
    rmSync(other, { recursive: true, force: true });
  });
});

describe('loose validation is refused with 400 and writes nothing', () => {
  const release = (extra: object) => ({ service: 'web', version: '3.0.0', package_url: 'https://pkg.example/web.tgz', sha256: SHA, ...extra });
  it.each([
    [release({ build_time: 'not a time' }), 'invalid_build_time'],
    [release({ package_url: 'https://user:pass@pkg.example/web.tgz' }), 'credentials_in_url'],
    [release({ package_url: `https://pkg.example/${'a'.repeat(20_000)}.tgz` }), 'invalid_package_url'],
  ])('release %#', async (body, code) => {
    const before = await auditCount();
    const refused = await refusalOf(admin.post('/api/v1/releases', body));
    expect([refused.status, refused.code]).toEqual([400, code]);
    expect(JSON.stringify(refused.body)).not.toContain('pass@');
    expect(await auditCount()).toBe(before);
    expect((await admin.get('/api/v1/services/web/releases')).releases.map((r: { version: string }) => r.version)).not.toContain('3.0.0');
  });

  it.each(['2026-02-30', '1', 'yesterday', '2026-01-31T12:00:00'])('audit since=%s', async (since) => {
    const refused = await refusalOf(admin.get(`/api/v1/audit?since=${encodeURIComponent(since)}`));
    expect([refused.status, refused.code]).toEqual([400, 'invalid_time']);
  });

  it('a deployment that registers a release on the way refuses credentials too', async () => {
    const refused = await refusalOf(admin.post('/api/v1/deployments', { service: 'web', version: '4.0.0', sha256: SHA, package_url: 'https://u:p@pkg.example/x.tgz' }));
    expect([refused.status, refused.code]).toEqual([400, 'credentials_in_url']);
  });
});

describe('slow clients', () => {
  let limited: RunningServer;
  let limitedPort: number;
  let limitedDir: string;
  beforeAll(async () => {
    limitedDir = mkdtempSync(join(tmpdir(), 'ferry-limits-'));
    limited = await startServer({ host: '127.0.0.1', port: 0, dataDir: limitedDir, adminToken: 'a', timers: readTimers({}), logLevel: 'silent', limits: { requestTimeoutMs: 500, perClient: 3 } });
    limitedPort = Number(new URL(limited.url).port);
  });
  afterAll(async () => {
    await limited.close();
    rmSync(limitedDir, { recursive: true, force: true });
  });

  function open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(limitedPort, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    });
  }
  async function closedWithin(socket: Socket, ms: number): Promise<boolean> {
    const closed = () => socket.destroyed || socket.readyState === 'closed';
    return pollUntil('the server to hang up', async () => closed() || undefined, { timeoutMs: ms, intervalMs: 25 }).catch(() => closed());
  }

  /** Sends the start of a request and never the rest; true once the server has hung up. */
  async function hungUpOn(partial: string): Promise<boolean> {
    const socket = await open();
    socket.on('data', () => undefined);
    socket.on('end', () => socket.destroy());
    socket.write(partial);
    return closedWithin(socket, 5_000);
  }

  it('drops a client whose body never arrives in full', async () => {
    expect(await hungUpOn('POST /api/v1/releases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"service":')).toBe(true);
  });

  it('drops a client whose headers never end', async () => {
    expect(await hungUpOn('GET /healthz HTTP/1.1\r\nHost: x\r\n')).toBe(true);
  });

  it('closes connections past the per-client limit at once', async () => {
    const sockets = [await open(), await open(), await open()];
    const extra = await open();
    extra.on('error', () => undefined);
    expect(await closedWithin(extra, 2_000)).toBe(true);
    for (const s of sockets) expect(s.destroyed).toBe(false);
    for (const s of sockets) s.destroy();
  });
});
