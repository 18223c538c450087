/**
 * Readiness enforcement end to end (CONTRACT §4): a real server started with
 * P6_READINESS_REQUIRED=true, a real agent and real hello-service instances. The service
 * declares a replay of recorded `GET /api/items` requests, so admission needs every check
 * and a passed replay:
 *
 * - v1 is the service's first release: no desired version to compare with. Its
 *   whole-service deployment is refused 422 not_admitted; a partial deployment is not
 *   held; CI posts evidence (one check through `ferry evidence add --junit`); `ferry
 *   replay` judges v1 against its staging instance alone (no baseline); then v1 is
 *   admitted and deployed to every instance.
 * - v2's replay compares it with the two v1 instances (`served_at` filtered as noise), and
 *   after its evidence v2 is admitted too.
 *
 * What each instance runs is asked of the instance itself.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { HelloService } from './rollout-support.js';

/** The default required checks: all eight built-in ones. */
const REQUIRED = ['quality', 'performance', 'security', 'cost', 'rollout', 'rollback', 'ops', 'replay'];
/** What CI posts; `replay` only Ferry writes (callers may not post `source: ferry`). */
const POSTED = REQUIRED.filter((c) => c !== 'replay');
const REQUESTS = Array.from({ length: 5 }, (_, i) => ({ method: 'GET', path: `/api/items?q=r${i}` }));

let fleet: LocalFleet;
let svc: HelloService;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'], env: { P6_READINESS_REQUIRED: 'true' } });
  svc = await HelloService.declare(fleet, 'gated', 2, { replay: { requests: REQUESTS, ignore: ['/version'] } });
  await svc.release('v1');
}, 60_000);

afterAll(async () => {
  await fleet?.stop(['gated']);
}, 60_000);

/** Runs the real CLI (bin/ferry) against the fleet's server. */
function ferry(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [FERRY_BIN, ...args, '--server', fleet.server.url, '--token', fleet.token], { timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Posts passing CI evidence for `checks` through the API. */
async function postEvidence(version: string, checks: string[] = POSTED): Promise<void> {
  for (const check of checks) {
    const record = await fleet.api.post(`/api/v1/releases/gated/${version}/evidence`, { check, passed: true, summary: `${check} ok`, url: `https://ci.test/gated/${version}/${check}` });
    expect(record).toMatchObject({ check, passed: true, source: 'ci' });
  }
}

async function replayAndWait(version: string): Promise<any> {
  const started = await fleet.api.post(`/api/v1/releases/gated/${version}/replay`);
  return fleet.api.waitForReplay(started.replay_id);
}

describe('P6_READINESS_REQUIRED=true, a first release', () => {
  it('refuses a whole-service deployment of a release with no evidence: 422 not_admitted listing every missing check; nothing starts', async () => {
    const refusal = await refusalOf(svc.deploy('v1'));
    expect(refusal.status).toBe(422);
    expect(refusal.code).toBe('not_admitted');
    const details = (refusal.body as { error: { details: Record<string, unknown>; message: string } }).error;
    expect(details.details).toMatchObject({ failed_checks: [], missing_checks: REQUIRED, replay_passed: false });
    expect(details.message).toContain(`missing ${REQUIRED.join(', ')}`);
    expect((await fleet.api.get('/api/v1/deployments?service=gated')).deployments).toEqual([]);
    expect(await svc.versions()).toEqual([null, null]);
  });

  it('ferry deploy exits 4 (refused for now) naming what is missing; ferry readiness exits 1', async () => {
    const deploy = await ferry(['deploy', 'gated', 'v1']);
    expect(deploy.code).toBe(4);
    expect(deploy.stderr).toMatch(/not admitted: missing quality, performance, security, cost, rollout, rollback, ops, replay/);
    const readiness = await ferry(['readiness', 'gated', 'v1']);
    expect(readiness.code).toBe(1);
    expect(readiness.stdout).toMatch(/^gated v1: not admitted/);
  });

  it('the dry run shows the same refusal', async () => {
    const refusal = await refusalOf(fleet.api.post('/api/v1/deployments', { service: 'gated', version: 'v1', dry_run: true }));
    expect([refusal.status, refusal.code]).toEqual([422, 'not_admitted']);
  });

  it('does not hold a partial deployment of the same release', async () => {
    const done = await svc.deployAndWait('v1', { instances: [svc.instanceId(svc.ports[0]!)] });
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v1', null]);
    expect((await svc.describe()).desired_version).toBeNull();
  });

  it('with every CI check passed the release still waits for its replay', async () => {
    const report = join(fleet.dir, 'junit.xml');
    writeFileSync(report, '<?xml version="1.0"?><testsuites><testsuite name="hello" tests="12" failures="0" errors="0" skipped="1"/></testsuites>');
    const junit = await ferry(['evidence', 'add', 'gated', 'v1', '--check', 'quality', '--junit', report]);
    expect(junit.code, junit.stderr).toBe(0);
    expect(junit.stdout).toMatch(/recorded quality passed for gated v1 .*12 tests, 0 failures, 0 errors, 1 skipped/);
    await postEvidence('v1', POSTED.filter((c) => c !== 'quality'));
    const verdict = await fleet.api.post('/api/v1/releases/gated/v1/readiness/evaluate');
    expect(verdict).toMatchObject({ admitted: false, failed_checks: [], missing_checks: ['replay'], replay_passed: false });
    const refusal = await refusalOf(svc.deploy('v1'));
    expect([refusal.status, refusal.code]).toEqual([422, 'not_admitted']);
    // CI cannot stand in for the replay: posting one is refused, through the API and the CLI.
    const forged = await refusalOf(fleet.api.post('/api/v1/releases/gated/v1/evidence', { check: 'replay', passed: true }));
    expect([forged.status, forged.code]).toEqual([400, 'check_reserved']);
    const cliForged = await ferry(['evidence', 'add', 'gated', 'v1', '--check', 'replay', '--passed']);
    expect(cliForged.code).toBe(2);
    expect(cliForged.stderr).toMatch(/run ferry replay/);
    expect(await fleet.api.post('/api/v1/releases/gated/v1/readiness/evaluate')).toMatchObject({ admitted: false, missing_checks: ['replay'] });
  });

  it('ferry replay passes v1 with no baseline: every request answered below 500, no noise filtering, stored as replay evidence', async () => {
    const cli = await ferry(['replay', 'gated', 'v1']);
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/against no baseline: passed/);
    expect(cli.stdout).toContain('5 requests answered without a server error (no desired version to compare with)');
    const [replay] = (await fleet.api.get('/api/v1/releases/gated/v1/replays')).replays;
    expect(replay).toMatchObject({ status: 'completed', passed: true, requests: 5, baseline_version: null, noise_filtering: false, noise_filtered: 0, difference_count: 0, differences: [] });
    const evidence = (await fleet.api.get('/api/v1/releases/gated/v1')).evidence.find((e: { check: string }) => e.check === 'replay');
    expect(evidence).toMatchObject({ passed: true, source: 'ferry', summary: replay.summary, details: { replay_id: replay.replay_id, baseline: 'none', baseline_version: null } });
    // The staging instance was never one of the service's instances.
    expect((await fleet.api.get('/api/v1/services/gated/instances')).total).toBe(2);
  }, 90_000);

  it('admits v1 once every check and the replay passed, and the whole-service deployment then succeeds', async () => {
    const cli = await ferry(['readiness', 'gated', 'v1']);
    expect(cli.code, cli.stdout).toBe(0);
    const verdict = await fleet.api.post('/api/v1/releases/gated/v1/readiness/evaluate');
    expect(verdict).toMatchObject({ service: 'gated', version: 'v1', admitted: true, failed_checks: [], missing_checks: [], replay_passed: true });
    expect(Object.keys(verdict.checks)).toEqual(REQUIRED);
    expect(await fleet.api.get('/api/v1/releases/gated/v1/readiness')).toEqual(verdict);

    const done = await svc.deployAndWait('v1');
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v1', 'v1']);
    expect((await svc.describe()).desired_version).toBe('v1');

    const release = await fleet.api.get('/api/v1/releases/gated/v1');
    expect(release.evidence.map((e: { check: string }) => e.check)).toEqual(REQUIRED);
    expect(release.readiness).toMatchObject({ admitted: true });
    const audit = await fleet.api.get('/api/v1/audit?service=gated&type=readiness_evaluated');
    expect(audit.events.map((e: { details: { admitted: boolean } }) => e.details.admitted)).toEqual([false, false, false, true, true]);
  }, 90_000);
});

describe('the next release', () => {
  it('compares v2 with the v1 instances (served_at filtered as noise) and admits it after its evidence', async () => {
    await svc.release('v2');
    const refusal = await refusalOf(svc.deploy('v2'));
    expect([refusal.status, refusal.code]).toEqual([422, 'not_admitted']);
    const replay = await replayAndWait('v2');
    expect(replay, JSON.stringify(replay.reason)).toMatchObject({ status: 'completed', passed: true, requests: 5, difference_count: 0, baseline_version: 'v1', noise_filtering: true });
    expect(replay.noise_fields).toContain('GET /api/items body:/served_at');
    expect(replay.summary).toMatch(/^5 requests, 0 differences, \d+ noise fields? filtered$/);
    await postEvidence('v2');
    const verdict = await fleet.api.post('/api/v1/releases/gated/v2/readiness/evaluate');
    expect(verdict).toMatchObject({ admitted: true, failed_checks: [], missing_checks: [], replay_passed: true });
    const done = await svc.deployAndWait('v2');
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v2', 'v2']);
  }, 90_000);
});
