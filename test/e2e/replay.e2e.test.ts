/**
 * Staging replay end to end (CONTRACT §4): a real server, a real agent and real
 * hello-service instances. The agent runs each candidate as an ephemeral staging
 * instance beside the service's two v1 instances; the server replays recorded
 * `GET /api/items` requests against all three. `served_at` differs on every answer, so it
 * must come out as noise, never as a difference. A service with no desired version yet
 * (its first release) gets a replay against the staging instance alone.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { HelloService } from './rollout-support.js';

const REQUESTS = Array.from({ length: 20 }, (_, i) => ({ method: 'GET', path: `/api/items?q=q${i}` }));

let fleet: LocalFleet;
let svc: HelloService;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'], env: { FERRY_REPLAY_STAGING_TIMEOUT_S: '3' } });
  svc = await HelloService.declare(fleet, 'items', 2, { replay: { requests: REQUESTS, ignore: ['/version'] } });
  await svc.release('v1');
  await svc.release('v2');
  await svc.release('v3', { items_suffix: '-x' });
  await svc.release('v4', { never_ready: true });
  const done = await svc.deployAndWait('v1');
  expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
}, 90_000);

afterAll(async () => {
  await fleet?.stop(['items', 'rb', 'fresh']);
}, 60_000);

async function replayAndWait(version: string): Promise<any> {
  const started = await fleet.api.post(`/api/v1/releases/items/${version}/replay`);
  expect(started.status).toBe('running');
  return fleet.api.waitForReplay(started.replay_id);
}

/** Runs `ferry replay …` against the fleet; resolves with its exit code and output. */
function ferryReplay(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [FERRY_BIN, 'replay', ...args, '--server', fleet.server.url], { env: { ...process.env, FERRY_TOKEN: fleet.token }, timeout: 60_000 }, (err, stdout) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout });
    });
  });
}

/** The staging directories still on the agent's disk (each holds its process's pid.json while it runs). */
function stagingLeft(): boolean {
  return existsSync(join(fleet.agentRoot('local'), 'items', 'staging')) && readdirSync(join(fleet.agentRoot('local'), 'items', 'staging')).length > 0;
}

describe('staging replay', () => {
  it('passes a release that answers like the desired version, with served_at filtered as noise, and records it', async () => {
    const replay = await replayAndWait('v2');
    expect(replay, JSON.stringify(replay.reason)).toMatchObject({ status: 'completed', passed: true, requests: 20, difference_count: 0, differences: [], baseline_version: 'v1', noise_filtering: true });
    expect(replay.noise_fields).toContain('GET /api/items body:/served_at');
    expect(replay.noise_filtered).toBeGreaterThanOrEqual(1);
    const listed = await fleet.api.get('/api/v1/releases/items/v2/replays');
    expect(listed.replays.map((r: any) => r.replay_id)).toEqual([replay.replay_id]);
    const audit = await fleet.api.get(`/api/v1/audit?service=items&type=replay_completed`);
    expect(audit.events.some((e: any) => e.details.replay_id === replay.replay_id && e.details.passed === true)).toBe(true);
    // The staging instance was never one of the service's instances, and it is gone.
    expect((await fleet.api.get('/api/v1/services/items/instances')).total).toBe(2);
    await pollUntil('the staging instance to be removed', async () => (!stagingLeft() && (await fleet.instancePids()).length === 2 ? true : undefined));
  }, 90_000);

  it('catches a release whose items differ, naming the field, expected and actual', async () => {
    const replay = await replayAndWait('v3');
    expect(replay).toMatchObject({ status: 'completed', passed: false, requests: 20, difference_count: 60 });
    expect(replay.differences).toContainEqual({ request: 0, method: 'GET', path: '/api/items?q=q0', field: 'body:/items/0', expected: 'q0-1', actual: 'q0-1-x' });
    expect(replay.differences.some((d: any) => d.field.includes('served_at'))).toBe(false);
    expect(replay.reason.code).toBe('replay_differences');
  }, 90_000);

  it('fails a candidate that never gets ready, and leaves no process behind', async () => {
    const replay = await replayAndWait('v4');
    expect(replay).toMatchObject({ status: 'failed', passed: false });
    expect(replay.reason.code).toBe('staging_failed');
    expect(replay.reason.message).toMatch(/not ready within 3 s/);
    await pollUntil('the never-ready staging process to be stopped', async () => (!stagingLeft() && (await fleet.instancePids()).length === 2 ? true : undefined));
    // Nothing listens on the port the agent picked for it any more.
    expect(replay.staging.port).toEqual(expect.any(Number));
    await expect(fetch(`http://127.0.0.1:${replay.staging.port}/healthz`)).rejects.toThrow();
  }, 90_000);

  it('ferry replay waits for the verdict: exit 0 and the summary when it passes, exit 1 and a table of differences when not', async () => {
    const passed = await ferryReplay('items', 'v2');
    expect(passed.code, passed.stdout).toBe(0);
    expect(passed.stdout).toMatch(/20 requests, 0 differences, \d+ noise fields? filtered/);
    const failed = await ferryReplay('items', 'v3');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/REQUEST\s+FIELD\s+EXPECTED\s+ACTUAL/);
    expect(failed.stdout).toContain('q0-1-x');
    const json = await ferryReplay('items', 'v3', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'completed', passed: false, difference_count: 60 });
  }, 90_000);

  it('refuses an unknown release with 404 and a service without replay with 422', async () => {
    expect((await refusalOf(fleet.api.post('/api/v1/releases/items/v9/replay'))).status).toBe(404);
    await HelloService.declare(fleet, 'plain', 0);
    await fleet.api.post('/api/v1/releases', { service: 'plain', version: 'v1', package_url: 'file:///nowhere.tar.gz', sha256: 'a'.repeat(64) });
    const refusal = await refusalOf(fleet.api.post('/api/v1/releases/plain/v1/replay'));
    expect([refusal.status, refusal.code]).toEqual([422, 'replay_not_configured']);
  });
});

describe('a first release (no desired version)', () => {
  it('is judged alone: it passes when every request is answered below 500, and each server error is a status difference', async () => {
    const fresh = await HelloService.declare(fleet, 'fresh', 1, { replay: { requests: REQUESTS.slice(0, 3), ignore: ['/version'] } });
    await fresh.release('v1');
    await fresh.release('v1-broken', { failing_paths: ['/api/items'] });
    const waitFor = async (version: string) => {
      const started = await fleet.api.post(`/api/v1/releases/fresh/${version}/replay`);
      expect(started).toMatchObject({ status: 'running', baseline_version: null });
      return fleet.api.waitForReplay(started.replay_id);
    };
    const passed = await waitFor('v1');
    expect(passed, JSON.stringify(passed.reason)).toMatchObject({ status: 'completed', passed: true, requests: 3, baseline_version: null, noise_filtering: false, summary: '3 requests answered without a server error (no desired version to compare with)' });
    const failed = await waitFor('v1-broken');
    expect(failed).toMatchObject({ status: 'completed', passed: false, difference_count: 3, reason: { code: 'replay_differences' } });
    expect(failed.differences[0]).toEqual({ request: 0, method: 'GET', path: '/api/items?q=q0', field: 'status', expected: '< 500', actual: 500 });
    expect(failed.summary).toBe('3 of 3 requests got a server error or no answer (no desired version to compare with)');
    // Nothing ran on the service's own instance, and the staging instances are gone.
    expect(await fresh.versions()).toEqual([null]);
    await pollUntil('the staging instances of fresh to be removed', async () => ((await fleet.instancePids()).length === 2 ? true : undefined));
  }, 90_000);
});

describe('replay after rollback', () => {
  let rb: HelloService;
  const spec = { replay: { requests: REQUESTS.slice(0, 5), ignore: ['/version'] } };

  beforeAll(async () => {
    rb = await HelloService.declare(fleet, 'rb', 2, spec);
    await rb.release('v1');
    await rb.release('v2');
    expect((await rb.deployAndWait('v1')).status).toBe('succeeded');
    expect((await rb.deployAndWait('v2')).status).toBe('succeeded');
    // A passed replay of v1 stores its answers: the baseline a rollback to v1 is judged against.
    const started = await fleet.api.post('/api/v1/releases/rb/v1/replay');
    const baseline = await fleet.api.waitForReplay(started.replay_id);
    expect(baseline, JSON.stringify(baseline.reason)).toMatchObject({ status: 'completed', passed: true });
  }, 120_000);

  async function rollbackTo(version: string): Promise<any> {
    const rollback = await fleet.api.post('/api/v1/services/rb/rollback', { to_version: version, reason: 'replay e2e' });
    const done = await fleet.api.waitForRollback(rollback.rollback_id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    return pollUntil('the replay after the rollback to finish', async () => {
      const r = await fleet.api.get(`/api/v1/replays/rp-rb-${rollback.rollback_id}`).catch(() => undefined);
      return r === undefined || r.status === 'running' ? undefined : r;
    });
  }

  it('holds the returned instances until their replay passes, then they take sessions', async () => {
    const replay = await rollbackTo('v1');
    expect(replay, JSON.stringify(replay.differences)).toMatchObject({ purpose: 'rollback', status: 'completed', passed: true, instances: rb.ports.map((p) => rb.instanceId(p)).sort() });
    const instances = (await fleet.api.get('/api/v1/services/rb/instances')).instances;
    expect(instances.map((i: any) => i.replay_hold)).toEqual([null, null]);
    // They were held from the rollback's end until the replay passed.
    const { events } = await fleet.api.get('/api/v1/audit?service=rb&type=replay_started');
    expect(events.find((e: any) => e.details.replay_id === replay.replay_id)?.details).toMatchObject({ purpose: 'rollback', instances: replay.instances });
    const session = await fleet.api.post('/api/v1/sessions', { service: 'rb' });
    expect(session.runtime_version).toBe('v1');
  }, 120_000);

  it('keeps them out of allocation and raises VerificationFailed when the replay fails, until a person releases them', async () => {
    // The same v1 now answers differently: the environment changes what it returns.
    await fleet.api.put('/api/v1/services/rb', { start: 'node server.js', keep_releases: 5, ...spec, env: { ITEMS_SUFFIX: '-env' }, instances: rb.ports.map((port) => ({ host: 'local', port })) });
    expect((await rb.deployAndWait('v2')).status).toBe('succeeded');
    const replay = await rollbackTo('v1');
    expect(replay).toMatchObject({ purpose: 'rollback', status: 'completed', passed: false });
    expect(replay.differences).toContainEqual(expect.objectContaining({ field: 'body:/items/0', expected: 'q0-1', actual: 'q0-1-env' }));
    const held = (await fleet.api.get('/api/v1/services/rb/instances')).instances;
    expect(held.map((i: any) => i.replay_hold?.failed)).toEqual([true, true]);
    expect((await refusalOf(fleet.api.post('/api/v1/sessions', { service: 'rb' }))).status).toBe(503);
    const alert = await pollUntil('VerificationFailed to fire', async () => {
      const { alerts } = await fleet.api.get('/api/v1/alerts?service=rb&state=firing');
      return alerts.find((a: any) => a.name === 'VerificationFailed');
    });
    expect(alert.severity).toBe('P1');
    for (const port of rb.ports) await fleet.api.post(`/api/v1/instances/${rb.instanceId(port)}/release`);
    const session = await fleet.api.post('/api/v1/sessions', { service: 'rb' });
    expect(session.runtime_version).toBe('v1');
  }, 120_000);
});
