/**
 * Smoke chains end to end on a real server, a real agent and real hello-service
 * instances: the service declares the seed's chain (search → POST /reports → wait until
 * done → download the PDF). A release whose reports work deploys, and the instances'
 * own metrics show the chain ran on each; a release whose report files are empty fails
 * at the download and rolls back by itself, its reason naming the chain and the step; a
 * chain that could never run is refused at the PUT (and by `ferry service put`, exit 2)
 * and changes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { runFerryProcess } from '../../src/local-fleet/ferry-processes.js';
import { HELLO_REPORT_CHAIN } from '../../src/local-fleet/hello-packages.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { HelloService } from './rollout-support.js';

const SERVICE = 'reports';
let fleet: LocalFleet;
let svc: HelloService;

/** How many report jobs an instance answered 202 to, from its own /metrics. */
async function reportsStarted(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/hello_requests_total\{version="[^"]+",path="\/reports",status="202"\} (\d+)/.exec(text)?.[1] ?? 0);
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  svc = await HelloService.declare(fleet, SERVICE, 2, { verify: [{ path: '/check', expect_status: 200 }, HELLO_REPORT_CHAIN] });
  await svc.release('v1');
  await svc.release('v2', { reports_broken: true });
}, 60_000);

afterAll(async () => {
  await svc?.remove();
  await fleet?.stop([SERVICE]);
}, 60_000);

describe('a smoke chain in verify', () => {
  it('passes on a release whose reports work, run on every new instance and once more at the end', async () => {
    const done = await svc.deployAndWait('v1');
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v1', 'v1']);
    // Once past each instance's health gate, once more when the deployment verifies the fleet.
    expect(await Promise.all(svc.ports.map(reportsStarted))).toEqual([2, 2]);
  });

  it('fails a release whose report files are empty at the download, and rolls it back', async () => {
    const done = await svc.deployAndWait('v2');
    expect(done.status).toBe('rolled_back');
    expect(done.reason.code).toBe('verify_failed');
    expect(done.reason.message).toMatch(/failed smoke chain "report": step 4 GET \/files\/[0-9a-f]{16} got a body of 0 bytes, expected at least 300/);
    expect(svc.portNamedIn(done.reason.message)).toBeDefined();
    expect(await svc.versions()).toEqual(['v1', 'v1']);
    expect((await svc.describe()).desired_version).toBe('v1');
  });

  it('refuses a chain that uses a value no earlier step captures, and keeps the declared one', async () => {
    const broken = { name: 'report', steps: [{ path: '/files/{report_id}' }] };
    const refused = await refusalOf(fleet.api.put(`/api/v1/services/${SERVICE}`, { start: 'node server.js', instances: svc.ports.map((port) => ({ host: 'local', port })), verify: [broken] }));
    expect([refused.status, refused.code]).toEqual([400, 'bad_smoke_chain']);
    expect(refused.message).toContain('smoke chain "report" step 1 uses {report_id}, which no earlier step captures');
    const specFile = join(fleet.dir, 'broken-chain.json');
    writeFileSync(specFile, JSON.stringify({ start: 'node server.js', verify: [broken] }));
    const cli = await runFerryProcess(['service', 'put', SERVICE, '--spec', specFile, '--no-instances', '--server', fleet.server.url], { FERRY_TOKEN: fleet.token });
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim().split('\n')).toEqual([expect.stringContaining('step 1 uses {report_id}, which no earlier step captures')]);
    expect((await svc.describe()).verify).toEqual([{ path: '/check', expect_status: 200 }, HELLO_REPORT_CHAIN]);
    expect(await svc.versions()).toEqual(['v1', 'v1']);
  });
});
