/**
 * `GET /api/v1/releases/{service}/{version}/preflight` and `ferry preflight` against a real
 * server on loopback over a real SQLite store, with the test's clock: each gate the store
 * can show (release, lock, package, agents, alerts), 400/404 with the error body, and the
 * CLI's table, message, --json and exit codes 0, 1 and 3. Each scenario has its own service.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { BUILTIN_CHECKS, type EvidenceDraft } from '../../../core/readiness/evidence.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleAlert } from '../../../store/contract/alerts.contract.js';
import { makeInstance, makeOperation, makeService, makeTarget } from '../../../testing/builders.js';
import { runFerry } from '../../../testing/fake-terminal.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { sampleHost, sampleRelease } from '../../../testing/sample-entities.js';
import { listeningApp } from '../../../testing/listening-app.js';

const ADMIN = 'preflight-test-admin';
const T = Date.UTC(2026, 11, 1, 12);
const HEARTBEAT_S = 2;
let now = T;
let fake: FakeServerContext;
let app: FastifyInstance;
let url: string;
let packages: string;
let presentPackage: string;

beforeAll(async () => {
  fake = await openFakeServerContext({ now: () => now, env: { FERRY_HEARTBEAT_S: String(HEARTBEAT_S) } });
  packages = mkdtempSync(join(tmpdir(), 'ferry-preflight-pkgs-'));
  presentPackage = join(packages, 'present.tar.gz');
  writeFileSync(presentPackage, 'not really a tarball');
  ({ app, url } = await listeningApp(fake.ctx, { admin: ADMIN, agent: null }));
});

afterAll(async () => {
  await app.close();
  await fake.close();
  rmSync(packages, { recursive: true, force: true });
});

/**
 * Service `name` with one instance on host `h-<name>`, whose agent heartbeats at T and
 * keeps `kept`; releases v1 and v2 with `packageUrl` (default: a file that exists), each
 * with passing evidence of every built-in check, so readiness has nothing to say either.
 */
async function declare(name: string, opts: { kept?: string[]; packageUrl?: string } = {}): Promise<void> {
  const host = `h-${name}`;
  await fake.store.putService(makeService({ name }));
  await fake.store.insertInstance(makeInstance(`${name}-1`, 'v1', { service: name, host }));
  await fake.store.upsertHost(sampleHost({ host, last_heartbeat_at: T, kept_releases: { [name]: opts.kept ?? ['v1', 'v2'] } }));
  for (const version of ['v1', 'v2']) {
    await fake.store.insertRelease(sampleRelease({ service: name, version, package_url: opts.packageUrl ?? pathToFileURL(presentPackage).href }));
    for (const check of BUILTIN_CHECKS) await fake.store.appendEvidence(passed(name, version, check));
  }
}

/** Replay evidence counts only from Ferry's staging replay; the rest comes from CI. */
function passed(service: string, version: string, check: string): EvidenceDraft {
  const source = check === 'replay' ? 'ferry' : 'ci';
  return { service, version, check, passed: true, summary: null, url: null, details: null, source, actor: source, correlation_id: 'corr-ci', recorded_at: T - 60_000 };
}

async function preflight(service: string, version: string) {
  const res = await fetch(`${url}/api/v1/releases/${service}/${version}/preflight`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: res.status, body: (await res.json()) as any };
}

const codes = (body: { reasons: Array<{ gate: string; code: string }> }) => body.reasons.map((r) => `${r.gate}/${r.code}`);

describe('GET /api/v1/releases/{service}/{version}/preflight', () => {
  it('a clean release: ok, no reason, checked now', async () => {
    await declare('clean');
    const { status, body } = await preflight('clean', 'v2');
    expect(status).toBe(200);
    expect(body).toEqual({ service: 'clean', version: 'v2', ok: true, checked_at: new Date(T).toISOString(), reasons: [] });
  });

  it('a version never registered → release_not_registered', async () => {
    await declare('unregistered');
    const { body } = await preflight('unregistered', 'v9');
    expect(body.ok).toBe(false);
    expect(codes(body)).toEqual(['release/release_not_registered']);
  });

  it('an active deployment holds the lock → service_locked naming it', async () => {
    await declare('locked');
    await fake.store.insertOperation(makeOperation({ id: 'dep-holder', service: 'locked', version: 'v2', status: 'paused', created_at: T }), [makeTarget('locked-1', 'v1', 'v2', { operation_id: 'dep-holder' })]);
    const { body } = await preflight('locked', 'v2');
    expect(codes(body)).toEqual(['lock/service_locked']);
    expect(body.reasons[0]).toMatchObject({ blocking: true, details: { holder: { id: 'dep-holder', kind: 'deploy', status: 'paused' } } });
    expect(body.reasons[0].message).toContain('dep-holder');
  });

  it('a finished operation holds nothing', async () => {
    await declare('finished');
    await fake.store.insertOperation(makeOperation({ id: 'dep-done', service: 'finished', status: 'succeeded', completed_at: T }), []);
    expect((await preflight('finished', 'v2')).body.ok).toBe(true);
  });

  it('a host without the release and a missing package file → package_unreachable', async () => {
    const missing = pathToFileURL(join(packages, 'missing.tar.gz')).href;
    await declare('nopackage', { kept: ['v1'], packageUrl: missing });
    const { body } = await preflight('nopackage', 'v2');
    expect(codes(body)).toEqual(['package/package_unreachable']);
    expect(body.reasons[0].details).toEqual({ package_url: missing, hosts: ['h-nopackage'], error: 'not_found' });
    // v1 is kept on the host: no download needed, so the missing file does not matter.
    expect((await preflight('nopackage', 'v1')).body.reasons).toEqual([]);
  });

  it('a host without the release and a readable package file: nothing to say', async () => {
    await declare('fetchable', { kept: [] });
    expect((await preflight('fetchable', 'v2')).body.ok).toBe(true);
  });

  it('an agent silent for more than 3 heartbeats → agent_silent', async () => {
    await declare('silent');
    now = T + 3 * HEARTBEAT_S * 1000 + 1;
    try {
      const { body } = await preflight('silent', 'v2');
      expect(codes(body)).toEqual(['agents/agent_silent']);
      expect(body.reasons[0].details).toEqual({ host: 'h-silent', last_heartbeat_at: new Date(T).toISOString(), silent_after_s: 3 * HEARTBEAT_S });
    } finally {
      now = T;
    }
  });

  it('a firing P0 alert of the service → alert_firing; a P1 or a resolved one is no reason', async () => {
    await declare('alerting');
    await fake.store.insertAlert(sampleAlert({ id: 'al-p1', service: 'alerting', name: 'DeploymentFailed', severity: 'P1', cause_key: 'DeploymentFailed:alerting:dep-1' }));
    await fake.store.insertAlert(sampleAlert({ id: 'al-old', service: 'alerting', cause_key: 'DeploymentRolledBack:alerting:dep-0' }));
    await fake.store.resolveAlert('al-old', T);
    expect((await preflight('alerting', 'v2')).body.ok).toBe(true);
    await fake.store.insertAlert(sampleAlert({ id: 'al-p0', service: 'alerting', cause_key: 'DeploymentRolledBack:alerting:dep-1' }));
    const { body } = await preflight('alerting', 'v2');
    expect(codes(body)).toEqual(['alerts/alert_firing']);
    expect(body.reasons[0].details).toMatchObject({ alert_id: 'al-p0', name: 'DeploymentRolledBack' });
  });

  it('an unknown service → 404 service_not_found', async () => {
    const { status, body } = await preflight('nosuch', 'v2');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'service_not_found', message: expect.any(String) });
  });

  it.each([
    ['Not_A_Name', 'v2', 'invalid_service_name'],
    ['clean', 'latest', 'invalid_version'],
    ['clean', '.hidden', 'invalid_version'],
  ])('%s %s → 400 %s', async (service, version, code) => {
    const { status, body } = await preflight(service, version);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code, message: expect.any(String) });
  });

  it('needs a token', async () => {
    expect((await fetch(`${url}/api/v1/releases/clean/v2/preflight`)).status).toBe(401);
  });
});

describe('ferry preflight', () => {
  const cli = (...args: string[]) => runFerry(['preflight', ...args, '--server', url, '--token', ADMIN]);

  it('says there is no reason and exits 0 for a clean release', async () => {
    const run = await cli('clean', 'v2');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('no reason to refuse v2 of clean now\n');
  });

  it('prints a table of the reasons and exits 1', async () => {
    const run = await cli('locked', 'v9');
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^GATE\s+CODE\s+BLOCKING\s+MESSAGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['release', 'release_not_registered', 'yes'],
      ['lock', 'service_locked', 'yes'],
    ]);
    expect(run.stderr).toBe('ferry: 2 reasons to refuse v9 of locked now\n');
  });

  it('--json prints the API body, with the same exit code', async () => {
    const run = await cli('locked', 'v2', '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual((await preflight('locked', 'v2')).body);
    const clean = await cli('clean', 'v2', '--json');
    expect([clean.code, JSON.parse(clean.stdout).ok]).toEqual([0, true]);
  });

  it('exits 2 for an unknown service and 3 when the server cannot be reached', async () => {
    expect((await cli('nosuch', 'v2')).code).toBe(2);
    const unreachable = await runFerry(['preflight', 'clean', 'v2', '--server', 'http://127.0.0.1:1', '--token', ADMIN]);
    expect(unreachable.code).toBe(3);
  });
});
