/**
 * Ferry's foundation end to end: a real server process, a real agent process and
 * three real hello-service instances on loopback. Every version check asks the
 * instances themselves (their own /version), never the control plane.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { packageHello, type HelloPackage } from '../../src/local-fleet/hello-packages.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

const SERVICE = 'hello';
let fleet: LocalFleet;
let ports: number[];
const pkg: Record<string, HelloPackage> = {};

async function answered(port: number): Promise<string> {
  return ((await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as { version: string }).version;
}
async function answeredAll(): Promise<string[]> {
  return Promise.all(ports.map(answered));
}
async function register(p: HelloPackage): Promise<void> {
  await fleet.api.post('/api/v1/releases', { service: SERVICE, version: p.version, package_url: p.package_url, sha256: p.sha256 });
}
async function deploy(version: string, extra: Record<string, unknown> = {}) {
  // These scenarios are written for all at once; the default (rolling 25%) is tested in the core.
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: SERVICE, version, strategy: { type: 'all_at_once' }, ...extra });
  return fleet.api.waitForDeployment(deploy_id);
}
async function pids(): Promise<Record<string, number>> {
  const { instances } = await fleet.api.get(`/api/v1/services/${SERVICE}/instances`);
  return Object.fromEntries(instances.map((i: { instance_id: string; pid: number }) => [i.instance_id, i.pid]));
}
const releasesDir = () => join(fleet.agentRoot('local'), SERVICE, 'releases');

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  ports = await freePorts(3);
  for (const version of ['v1', 'v2']) pkg[version] = await packageHello(fleet.dir, SERVICE, version);
  await register(pkg.v1!);
  await register(pkg.v2!);
  await fleet.api.put(`/api/v1/services/${SERVICE}`, { start: 'node server.js', instances: ports.map((port) => ({ host: 'local', port })), keep_releases: 5 });
}, 120_000);

afterAll(async () => {
  await fleet?.stop([SERVICE]);
}, 60_000);

describe('foundation end to end', () => {
  it('deploys v1 to every instance and sets the desired version', async () => {
    const done = await deploy('v1');
    expect(done.status).toBe('succeeded');
    expect(done.progress).toEqual({ total: 3, completed: 3, failed: 0, pending: 0 });
    expect(await answeredAll()).toEqual(['v1', 'v1', 'v1']);
    const service = await fleet.api.get(`/api/v1/services/${SERVICE}`);
    expect([service.desired_version, service.previous_version, service.lock]).toEqual(['v1', null, null]);
  });

  it('deploys v2, moving v1 to previous_version, and reports versions as probed', async () => {
    expect((await deploy('v2')).status).toBe('succeeded');
    expect(await answeredAll()).toEqual(['v2', 'v2', 'v2']);
    const versions = await fleet.api.get(`/api/v1/services/${SERVICE}/versions`);
    expect(versions).toMatchObject({ desired_version: 'v2', previous_version: 'v1', version_summary: { v2: 3 }, drift_count: 0 });
    expect(existsSync(join(releasesDir(), 'v1'))).toBe(true); // kept for a fast rollback
  });

  it('restart keeps every version and changes every pid', async () => {
    const before = await pids();
    const started = await fleet.api.post('/api/v1/vm/rebootstrap', { service: SERVICE, mode: 'restart' });
    expect(started.mode).toBe('restart');
    const done = await fleet.api.waitForDeployment(started.deploy_id);
    expect(done.status).toBe('succeeded');
    expect(await answeredAll()).toEqual(['v2', 'v2', 'v2']);
    const after = await pids();
    for (const id of Object.keys(before)) expect(after[id]).not.toBe(before[id]);
    expect((await fleet.api.get(`/api/v1/services/${SERVICE}`)).desired_version).toBe('v2');
  });

  it('refuses a package whose sha256 does not match and leaves every instance on v2', async () => {
    const corrupt = await packageHello(fleet.dir, SERVICE, 'v3');
    await fleet.api.post('/api/v1/releases', { service: SERVICE, version: 'v3', package_url: corrupt.package_url, sha256: pkg.v1!.sha256 });
    const done = await deploy('v3');
    expect(done.status).toBe('failed');
    expect(done.reason.code).toBe('sha256_mismatch');
    expect(done.reason.message).toMatch(/hello-local-\d+/);
    expect(await answeredAll()).toEqual(['v2', 'v2', 'v2']);
    expect(existsSync(join(releasesDir(), 'v3'))).toBe(false);
    expect((await fleet.api.get(`/api/v1/services/${SERVICE}`)).desired_version).toBe('v2');
  });

  it('reverts a package that reports another version and ends rolled_back', async () => {
    const mislabeled = await packageHello(fleet.dir, SERVICE, 'v4', { stampedVersion: 'v9' });
    await register(mislabeled);
    const done = await deploy('v4');
    expect(done.status).toBe('rolled_back');
    expect(done.reason.code).toBe('version_mismatch');
    expect(done.reason.message).toMatch(/hello-local-\d+ answered version v9, expected v4/);
    expect(await answeredAll()).toEqual(['v2', 'v2', 'v2']);
    expect((await fleet.api.get(`/api/v1/services/${SERVICE}`)).desired_version).toBe('v2');
  });

  it('rolls a batch back to v1', async () => {
    const started = await fleet.api.post('/api/v1/rollbacks/batch', { service: SERVICE, target_version: 'v1' });
    expect(started.instances).toHaveLength(3);
    const done = await fleet.api.waitForRollback(started.rollback_id);
    expect(done.status).toBe('succeeded');
    expect(await answeredAll()).toEqual(['v1', 'v1', 'v1']);
    expect((await fleet.api.get(`/api/v1/services/${SERVICE}`)).desired_version).toBe('v1');
  });

  it('rolls one instance back after its kept copy was deleted, downloading and verifying again', async () => {
    rmSync(join(releasesDir(), 'v2'), { recursive: true, force: true });
    const instanceId = `${SERVICE}-local-${ports[0]}`;
    const started = await fleet.api.post('/api/v1/rollbacks/instance', { instance_id: instanceId, target_version: 'v2' });
    expect(started).toMatchObject({ instance_id: instanceId, target_version: 'v2' });
    const done = await fleet.api.waitForRollback(started.rollback_id);
    expect(done.status).toBe('succeeded');
    expect(await answered(ports[0]!)).toBe('v2');
    expect(await answered(ports[1]!)).toBe('v1');
    expect(existsSync(join(releasesDir(), 'v2'))).toBe(true);
    const { instances } = await fleet.api.get(`/api/v1/services/${SERVICE}/instances`);
    expect(instances.find((i: { instance_id: string }) => i.instance_id === instanceId).pinned_version).toBe('v2');
  });

  it('refuses a rollback whose release no host keeps and whose package is gone, touching nothing', async () => {
    const gone = await packageHello(fleet.dir, SERVICE, 'v7');
    await register(gone);
    rmSync(gone.tarball);
    const before = await answeredAll();
    const refused = await refusalOf(fleet.api.post('/api/v1/rollbacks/batch', { service: SERVICE, target_version: 'v7' }));
    expect(refused).toMatchObject({ status: 422, code: 'rollback_target_unavailable' });
    expect(refused.message).toMatch(/do not keep it/);
    expect(await answeredAll()).toEqual(before);
    expect((await fleet.api.get(`/api/v1/services/${SERVICE}`)).lock).toBeNull();
  });

  it('answers which version an instance ran at a past moment', async () => {
    const instanceId = `${SERVICE}-local-${ports[1]}`;
    const { history } = await fleet.api.get(`/api/v1/instances/${instanceId}/history`);
    const v2 = history.find((h: { version: string }) => h.version === 'v2');
    const middle = new Date((Date.parse(v2.from) + Date.parse(v2.to)) / 2).toISOString();
    expect((await fleet.api.get(`/api/v1/instances/${instanceId}/history?at=${middle}`)).version).toBe('v2');
    expect((await fleet.api.get(`/api/v1/instances/${instanceId}/history?at=${new Date().toISOString()}`)).version).toBe('v1');
  });

  it('has an audit event for each of these', async () => {
    const types = new Set((await fleet.api.get(`/api/v1/audit?service=${SERVICE}`)).events.map((e: { type: string }) => e.type));
    for (const type of ['release_registered', 'deploy_started', 'deploy_completed', 'restart', 'deploy_failed', 'rollback', 'rollback_completed']) {
      expect(types, type).toContain(type);
    }
    const { events } = await fleet.api.get(`/api/v1/audit?type=deploy_failed`);
    expect(events.every((e: { actor: string; correlation_id: string; deploy_id: string }) => e.actor && e.correlation_id && e.deploy_id)).toBe(true);
  });

  it('keeps instances running across an agent restart and adopts them unchanged', async () => {
    const before = await pids();
    await fleet.agents.get('local')!.stop();
    expect(await answeredAll()).toEqual(['v2', 'v1', 'v1']);
    await fleet.startAgent('local');
    await pollUntil('instances ready after agent restart', async () => {
      const { instances } = await fleet.api.get(`/api/v1/services/${SERVICE}/instances`);
      return instances.every((i: { status: string }) => i.status === 'ready') ? true : undefined;
    });
    expect(await pids()).toEqual(before);
  });
});
