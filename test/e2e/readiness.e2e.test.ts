/**
 * Readiness enforcement end to end (CONTRACT §4): a real server started with
 * P6_READINESS_REQUIRED=true, a real agent and real hello-service instances. A
 * whole-service deployment of a release without evidence is refused 422 not_admitted
 * naming every missing check, and nothing changes; a partial deployment of the same
 * release is not held; once CI has posted passing evidence for every required check the
 * release is admitted and the whole-service deployment succeeds. What each instance runs
 * is asked of the instance itself.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { HelloService } from './rollout-support.js';

/** Every built-in check but replay: callers cannot post `source: ferry`, and this service declares no replay. */
const REQUIRED = ['quality', 'performance', 'security', 'cost', 'rollout', 'rollback', 'ops'];

let fleet: LocalFleet;
let svc: HelloService;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'], env: { P6_READINESS_REQUIRED: 'true' } });
  svc = await HelloService.declare(fleet, 'gated', 2, { readiness: { required: REQUIRED } });
  await svc.release('v1');
}, 60_000);

afterAll(async () => {
  await fleet?.stop(['gated']);
}, 60_000);

/** Runs the real CLI (bin/ferry) against the fleet's server. */
function ferry(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [FERRY_BIN, ...args, '--server', fleet.server.url, '--token', fleet.token], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('P6_READINESS_REQUIRED=true', () => {
  it('refuses a whole-service deployment of a release with no evidence: 422 not_admitted listing every missing check; nothing starts', async () => {
    const refusal = await refusalOf(svc.deploy('v1'));
    expect(refusal.status).toBe(422);
    expect(refusal.code).toBe('not_admitted');
    const details = (refusal.body as { error: { details: Record<string, unknown>; message: string } }).error;
    expect(details.details).toMatchObject({ failed_checks: [], missing_checks: REQUIRED });
    expect(details.message).toContain(`missing ${REQUIRED.join(', ')}`);
    expect((await fleet.api.get('/api/v1/deployments?service=gated')).deployments).toEqual([]);
    expect(await svc.versions()).toEqual([null, null]);
  });

  it('ferry deploy exits 4 (refused for now) naming what is missing; ferry readiness exits 1', async () => {
    const deploy = await ferry(['deploy', 'gated', 'v1']);
    expect(deploy.code).toBe(4);
    expect(deploy.stderr).toMatch(/not admitted: missing quality, performance, security, cost, rollout, rollback, ops/);
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

  it('admits the release once every required check passed, and the whole-service deployment then succeeds', async () => {
    const report = join(fleet.dir, 'junit.xml');
    writeFileSync(report, '<?xml version="1.0"?><testsuites><testsuite name="hello" tests="12" failures="0" errors="0" skipped="1"/></testsuites>');
    const junit = await ferry(['evidence', 'add', 'gated', 'v1', '--check', 'quality', '--junit', report]);
    expect(junit.code, junit.stderr).toBe(0);
    expect(junit.stdout).toMatch(/recorded quality passed for gated v1 .*12 tests, 0 failures, 0 errors, 1 skipped/);
    for (const check of REQUIRED.filter((c) => c !== 'quality')) {
      const record = await fleet.api.post('/api/v1/releases/gated/v1/evidence', { check, passed: true, summary: `${check} ok`, url: `https://ci.test/gated/v1/${check}` });
      expect(record).toMatchObject({ check, passed: true, source: 'ci' });
    }
    const cli = await ferry(['readiness', 'gated', 'v1']);
    expect(cli.code, cli.stdout).toBe(0);
    const verdict = await fleet.api.post('/api/v1/releases/gated/v1/readiness/evaluate');
    expect(verdict).toMatchObject({ service: 'gated', version: 'v1', admitted: true, failed_checks: [], missing_checks: [], replay_passed: false, replay_required: false });
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
    expect(audit.events.map((e: { details: { admitted: boolean } }) => e.details.admitted)).toEqual([false, true, true]);
  });
});
