/**
 * `ferry which` end to end: a real server, a real agent and a real hello-service instance.
 * A session placed before a deployment answers the old version (even once ended), one
 * placed after it the new one; the instance asked about a moment before and after the
 * deployment answers each version. Bad questions exit 2 with one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerryProcess, type FerryRun } from '../../src/local-fleet/ferry-processes.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';

const SERVICE = 'whichsvc';
let fleet: LocalFleet;
let instanceId: string;
let beforeSession: { session_id: string };
let afterSession: { session_id: string };
let duringV1: string;
let duringV2: string;

async function deploy(version: string): Promise<void> {
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: SERVICE, version, strategy: { type: 'all_at_once' } });
  expect((await fleet.api.waitForDeployment(deploy_id, 90_000)).status).toBe('succeeded');
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  const [port] = await freePorts(1);
  for (const version of ['v1', 'v2']) {
    const p = await packageHello(fleet.dir, SERVICE, version);
    await fleet.api.post('/api/v1/releases', { service: SERVICE, version, package_url: p.package_url, sha256: p.sha256 });
  }
  await fleet.api.put(`/api/v1/services/${SERVICE}`, { start: 'node server.js', drain_s: 1, instances: [{ host: 'local', port }] });
  await deploy('v1');
  duringV1 = new Date().toISOString();
  beforeSession = await fleet.api.post('/api/v1/sessions', { service: SERVICE, ttl_s: 600 });
  instanceId = (beforeSession as unknown as { instance_id: string }).instance_id;
  // Ended, so the instance need not drain; its record (and answer) stays.
  await fleet.api.request('DELETE', `/api/v1/sessions/${beforeSession.session_id}`);
  await deploy('v2');
  duringV2 = new Date().toISOString();
  afterSession = await fleet.api.post('/api/v1/sessions', { service: SERVICE, ttl_s: 600 });
}, 180_000);

afterAll(async () => {
  await fleet?.stop([SERVICE]);
}, 60_000);

function which(...args: string[]): Promise<FerryRun> {
  return runFerryProcess(['which', '--server', fleet.server.url, ...args], { FERRY_TOKEN: fleet.token });
}

describe('ferry which', () => {
  it('answers the version a session was placed on, before and after a deployment', async () => {
    const before = await which('--session', beforeSession.session_id, '--json');
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ by: 'session', version: 'v1', instance_id: instanceId, host: 'local', service: SERVICE, state: 'ended' });
    const after = await which('--session', afterSession.session_id, '--json');
    expect(JSON.parse(after.stdout)).toMatchObject({ by: 'session', version: 'v2', instance_id: instanceId, host: 'local', state: 'open' });
    const line = await which('--session', afterSession.session_id);
    expect(line.stdout.trim()).toBe(`session ${afterSession.session_id} (open): version v2 on instance ${instanceId}, host local, service ${SERVICE}`);
  });

  it('answers the version an instance ran at a moment before and after the deployment', async () => {
    const atV1 = await which('--instance', instanceId, '--at', duringV1, '--json');
    expect(atV1.code).toBe(0);
    expect(JSON.parse(atV1.stdout)).toMatchObject({ by: 'instance', version: 'v1', instance_id: instanceId, host: 'local', service: SERVICE });
    expect(JSON.parse(atV1.stdout).ran_until).not.toBeNull();
    const atV2 = await which('--instance', instanceId, '--at', duringV2, '--json');
    expect(JSON.parse(atV2.stdout)).toMatchObject({ version: 'v2', ran_until: null });
  });

  it('exits 2 with one line for a question it cannot answer or that is asked wrong', async () => {
    for (const args of [
      [],
      ['--session', 'ses-1', '--instance', instanceId, '--at', duringV1],
      ['--instance', instanceId],
      ['--instance', instanceId, '--at', '2026-02-30T00:00:00Z'],
      ['--instance', instanceId, '--at', '2026-01-31T12:00:00'],
      ['--session', 'ses-1', '--at', duringV1],
      ['--session', 'ses-never-was'],
      ['--instance', instanceId, '--at', '2000-01-01T00:00:00Z'],
      ['--trace', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ]) {
      const answer = await which(...args);
      expect([answer.code, answer.stdout], args.join(' ')).toEqual([2, '']);
      expect(answer.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
