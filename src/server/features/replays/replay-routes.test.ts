/**
 * The replay routes against a real server on loopback over a real SQLite store: every
 * refusal before anything is written, the `bad_replay_file` check at the service PUT, and
 * the staging entry a started replay puts in its host's assignments and reads back from
 * the agent's heartbeat. The run itself is covered end to end (test/e2e/replay.e2e.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { sampleHost, sampleInstance, sampleObservation, sampleRelease, sampleService } from '../../../testing/sample-entities.js';
import { makeIsolation } from '../../../testing/builders.js';
import { listeningApp } from '../../../testing/listening-app.js';

const ADMIN = 'replay-test-admin';
const T = Date.UTC(2026, 0, 1);
let fake: FakeServerContext;
let app: FastifyInstance;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-replay-routes-'));
  fake = await openFakeServerContext({ now: () => T });
  await fake.store.putService(sampleService({ name: 'web', desired_version: '1.0.0', replay: { requests: [{ method: 'GET', path: '/api/items?q=a' }] } }));
  await fake.store.putService(sampleService({ name: 'plain', replay: null }));
  await fake.store.putService(sampleService({ name: 'nostable', desired_version: '1.0.0' }));
  await fake.store.putService(sampleService({ name: 'first', desired_version: null, replay: { requests: [{ method: 'GET', path: '/api/items?q=a' }, { method: 'GET', path: '/api/items?q=b' }] } }));
  await fake.store.putService(sampleService({ name: 'nohost', desired_version: null, replay: { requests: [{ method: 'GET', path: '/' }] } }));
  for (const [service, version] of [['web', '1.0.0'], ['web', '2.0.0'], ['plain', '2.0.0'], ['nostable', '2.0.0'], ['first', '1.0.0'], ['nohost', '1.0.0']] as const) await fake.store.insertRelease(sampleRelease({ service, version }));
  await fake.store.upsertHost(sampleHost({ host: 'host-a', last_heartbeat_at: T }));
  await fake.store.insertInstance(sampleInstance({ instance_id: 'web-host-a-8080', service: 'web' }));
  // The first release's service has an instance (its host runs the staging instance) that runs nothing yet.
  await fake.store.insertInstance(sampleInstance({ instance_id: 'first-host-a-8090', service: 'first', port: 8090 }));
  await fake.store.recordObservation('web-host-a-8080', sampleObservation({ status: 'ready', version: '1.0.0', achieved_generation: 3 }));
  ({ app, url } = await listeningApp(fake.ctx, { admin: ADMIN, agent: null }));
});

afterAll(async () => {
  await app.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('POST /api/v1/releases/{service}/{version}/replay refusals', () => {
  it.each([
    ['/api/v1/releases/nope/2.0.0/replay', 404, 'service_not_found'],
    ['/api/v1/releases/web/9.9.9/replay', 404, 'release_not_found'],
    ['/api/v1/releases/plain/2.0.0/replay', 422, 'replay_not_configured'],
    ['/api/v1/releases/nostable/2.0.0/replay', 422, 'replay_needs_stable'],
    ['/api/v1/releases/nohost/1.0.0/replay', 422, 'replay_needs_stable'],
    ['/api/v1/releases/web/latest/replay', 400, undefined],
  ])('%s → %i %s, and nothing is written', async (path, status, code) => {
    const { status: got, body } = await call('POST', path);
    expect(got).toBe(status);
    if (code !== undefined) expect(body.error.code).toBe(code);
    expect(await fake.store.listReplays({})).toEqual([]);
  });

  it('GET of an unknown replay → 404 replay_not_found', async () => {
    const { status, body } = await call('GET', '/api/v1/replays/rp-nope');
    expect([status, body.error.code]).toEqual([404, 'replay_not_found']);
  });
});

describe('a started replay', () => {
  it('answers 202 running, lists its staging instance in the host assignments, and records the agent report', async () => {
    const { status, body } = await call('POST', '/api/v1/releases/web/2.0.0/replay');
    expect(status).toBe(202);
    expect(body).toMatchObject({ status: 'running', passed: null, requests: 1, baseline_version: '1.0.0', staging: { host: 'host-a', wanted: true, status: 'pending' }, started_at: new Date(T).toISOString() });
    const assignments = (await call('GET', '/api/v1/agents/host-a/assignments')).body;
    expect(assignments.staging).toEqual([expect.objectContaining({ staging_id: body.replay_id, service: 'web', version: '2.0.0', release: expect.objectContaining({ sha256: expect.any(String) }) })]);
    // The staging instance is never one of the service's instances.
    expect(assignments.instances.map((i: any) => i.instance_id)).toEqual(['first-host-a-8090', 'web-host-a-8080']);
    const beat = await call('POST', '/api/v1/agents/host-a/heartbeat', { address: '127.0.0.1', agent_version: 't', instances: [], staging: [{ staging_id: body.replay_id, port: 4555, status: 'ready', reason: null }] });
    expect(beat.status).toBe(200);
    expect((await call('GET', `/api/v1/replays/${body.replay_id}`)).body.staging).toEqual({ host: 'host-a', wanted: true, port: 4555, status: 'ready', reason: null });
    expect((await call('GET', '/api/v1/releases/web/2.0.0/replays')).body.replays.map((r: any) => r.replay_id)).toEqual([body.replay_id]);
  });

  it('refuses a second replay of the service while one runs: 409 replay_running naming it, nothing written', async () => {
    const [running] = await fake.store.listReplays({ service: 'web', status: 'running' });
    const { status, body } = await call('POST', '/api/v1/releases/web/2.0.0/replay');
    expect([status, body.error.code, body.error.details.replay_id]).toEqual([409, 'replay_running', running!.replay_id]);
    expect(body.error.message).toContain(running!.replay_id);
    expect(await fake.store.listReplays({ service: 'web' })).toHaveLength(1);
  });
});

describe('POST /api/v1/instances/{id}/release of a held instance', () => {
  it('lifts the hold and the drift isolation in one transaction: a refused drift release keeps the hold', async () => {
    const id = 'web-host-a-8081';
    await fake.store.insertInstance(sampleInstance({ instance_id: id, service: 'web', port: 8081, isolation: makeIsolation() }));
    await fake.store.recordObservation(id, sampleObservation({ status: 'ready', version: '0.9.0', achieved_generation: 3 }));
    await fake.store.setReplayHold([id], { replay_id: 'rp-rb-x', failed: true, since: T });
    const { status, body } = await call('POST', `/api/v1/instances/${id}/release`);
    expect([status, body.error.code]).toEqual([422, 'version_still_wrong']);
    expect((await fake.store.getInstance(id))?.replay_hold).toEqual({ replay_id: 'rp-rb-x', failed: true, since: T });
    expect((await fake.store.listAudit({ type: 'replay_hold_released' })).length).toBe(0);
  });
});

describe('a first release (no desired version)', () => {
  it('starts a replay with no baseline: 202 running, baseline_version null, staging on the service instance\'s host', async () => {
    const { status, body } = await call('POST', '/api/v1/releases/first/1.0.0/replay');
    expect(status, JSON.stringify(body)).toBe(202);
    expect(body).toMatchObject({ status: 'running', passed: null, requests: 2, baseline_version: null, purpose: 'release', staging: { host: 'host-a', wanted: true, status: 'pending' }, summary: 'running' });
    const { events } = (await call('GET', '/api/v1/audit?service=first&type=replay_started')).body;
    expect(events.map((e: any) => e.details)).toEqual([expect.objectContaining({ replay_id: body.replay_id, baseline_version: null, instances: [] })]);
  });
});

describe('PUT of a service with a replay file', () => {
  const spec = (requests: unknown) => ({ start: 'node server.js', instances: [], replay: { requests } });

  it.each([
    ['a missing file', () => join(dir, 'missing.jsonl'), null],
    ['a line that is not JSON', () => file('bad.jsonl', '{"method":"GET","path":"/a"}\n{oops\n'), 2],
    ['a line without a path', () => file('nopath.jsonl', '{"method":"GET"}\n'), 1],
    ['a FIFO (which would block a read forever)', () => fifo('requests.fifo'), null],
    ['a directory', () => dir, null],
  ])('refuses %s with 400 bad_replay_file naming the line', async (_name, path, line) => {
    const { status, body } = await call('PUT', '/api/v1/services/filed', spec(path()));
    expect([status, body.error.code]).toEqual([400, 'bad_replay_file']);
    expect(body.error.details.line).toBe(line);
    expect((await call('GET', '/api/v1/services/filed')).status).toBe(404);
  });

  it('accepts a readable file', async () => {
    const path = file('good.jsonl', '{"method":"GET","path":"/a"}\n\n{"method":"POST","path":"/b","body":{"x":1}}\n');
    expect((await call('PUT', '/api/v1/services/filed', spec(path))).status).toBe(200);
  });
});

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
