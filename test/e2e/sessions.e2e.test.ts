/**
 * Sessions end to end: a real server, a real agent and three real hello-service instances
 * on loopback. Sessions land on ready instances of the desired version (checked against
 * the instances' own /version), spread least-loaded, end on DELETE, and are refused with
 * 503 `upgrading` while nothing is eligible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryApiError, refusalOf } from '../../src/local-fleet/ferry-api.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

const SERVICE = 'hello';
const EMPTY = 'empty';
let fleet: LocalFleet;
let ports: number[];

async function answered(address: string, port: number): Promise<string> {
  return ((await (await fetch(`http://${address}:${port}/version`)).json()) as { version: string }).version;
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  ports = await freePorts(3);
  for (const p of [await packageHello(fleet.dir, SERVICE, 'v1'), await packageHello(fleet.dir, SERVICE, 'v2', { behaviour: { never_ready: true } })]) {
    await fleet.api.post('/api/v1/releases', { service: SERVICE, version: p.version, package_url: p.package_url, sha256: p.sha256 });
  }
  await fleet.api.put(`/api/v1/services/${SERVICE}`, { start: 'node server.js', instances: ports.map((port) => ({ host: 'local', port })) });
  await fleet.api.put(`/api/v1/services/${EMPTY}`, { start: 'node server.js', instances: [] });
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: SERVICE, version: 'v1', strategy: { type: 'all_at_once' } });
  expect((await fleet.api.waitForDeployment(deploy_id)).status).toBe('succeeded');
}, 120_000);

afterAll(async () => {
  await fleet?.stop([SERVICE, 'drain']);
}, 60_000);

describe('sessions end to end', () => {
  const created: Array<{ session_id: string; instance_id: string; address: string; port: number; runtime_version: string }> = [];

  it('places sessions on ready instances of the desired version, least loaded first', async () => {
    for (let n = 0; n < 6; n++) created.push(await fleet.api.post('/api/v1/sessions', { service: SERVICE, ttl_s: 600 }));
    const perInstance: Record<string, number> = {};
    for (const session of created) {
      expect(session.runtime_version).toBe('v1');
      expect(session.address).toBe('127.0.0.1');
      expect(ports).toContain(session.port);
      expect(await answered(session.address, session.port)).toBe('v1');
      perInstance[session.instance_id] = (perInstance[session.instance_id] ?? 0) + 1;
    }
    expect(Object.values(perInstance)).toEqual([2, 2, 2]);
    const { instances } = await fleet.api.get(`/api/v1/services/${SERVICE}/instances`);
    expect(instances.every((i: { status: string; version: string }) => i.status === 'ready' && i.version === 'v1')).toBe(true);
  });

  it('shows a session with its instance status, and ends it on DELETE', async () => {
    const first = created[0]!;
    expect(await fleet.api.get(`/api/v1/sessions/${first.session_id}`)).toMatchObject({ session_id: first.session_id, runtime_version: 'v1', instance_status: 'ready', ended_at: null });
    const ended = await fleet.api.request<{ ended_at: string | null }>('DELETE', `/api/v1/sessions/${first.session_id}`);
    expect(ended.ended_at).not.toBeNull();
    expect((await fleet.api.get(`/api/v1/sessions/${first.session_id}`)).ended_at).toBe(ended.ended_at);
    // Its instance now carries the fewest open sessions, so the next session goes there.
    expect((await fleet.api.post('/api/v1/sessions', { service: SERVICE })).instance_id).toBe(first.instance_id);
  });

  it('answers 503 upgrading with Retry-After for a service with no instances', async () => {
    const refused = await refusalOf(fleet.api.post('/api/v1/sessions', { service: EMPTY }));
    expect(refused).toMatchObject({ status: 503, code: 'upgrading', body: { error: { message: 'the system is upgrading, please retry shortly' } } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 503 while every instance deploys a version that never gets ready, and the session shows its instance is not ready', async () => {
    const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: SERVICE, version: 'v2', strategy: { type: 'all_at_once', healthy_deadline_s: 6 } });
    const refused = await pollUntil('sessions to be refused while v2 deploys', async () => {
      const error = await fleet.api.post('/api/v1/sessions', { service: SERVICE }).then(
        () => undefined,
        (err: unknown) => err,
      );
      return error instanceof FerryApiError ? error : undefined;
    }, { timeoutMs: 15_000 });
    expect(refused).toMatchObject({ status: 503, code: 'upgrading' });
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await fleet.api.get(`/api/v1/sessions/${created[1]!.session_id}`)).instance_status).not.toBe('ready');
    const done = await fleet.api.waitForDeployment(deploy_id, 60_000);
    expect(['failed', 'rolled_back']).toContain(done.status);
    // Back on v1 after the revert: sessions are given again, on v1.
    const again = await pollUntil('sessions to be given again after the revert', async () => fleet.api.post('/api/v1/sessions', { service: SERVICE }).catch(() => undefined), { timeoutMs: 30_000 });
    expect(again.runtime_version).toBe('v1');
    expect(await answered(again.address, again.port)).toBe('v1');
  });
});

describe('drain before replace', () => {
  it('an instance with a session drains: no new session, stopped only once its session ends', async () => {
    const drainPorts = await freePorts(2);
    for (const version of ['v1', 'v2']) {
      const p = await packageHello(fleet.dir, 'drain', version);
      await fleet.api.post('/api/v1/releases', { service: 'drain', version, package_url: p.package_url, sha256: p.sha256 });
    }
    const strategy = { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 };
    await fleet.api.put('/api/v1/services/drain', { start: 'node server.js', drain_s: 60, strategy, instances: drainPorts.map((port) => ({ host: 'local', port })) });
    const first = await fleet.api.post('/api/v1/deployments', { service: 'drain', version: 'v1' });
    expect((await fleet.api.waitForDeployment(first.deploy_id)).status).toBe('succeeded');

    const held = await fleet.api.post('/api/v1/sessions', { service: 'drain', ttl_s: 600 });
    const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: 'drain', version: 'v2' });
    await pollUntil('the instance with a session draining', async () => {
      const { instances } = await fleet.api.get('/api/v1/services/drain/instances');
      return instances.find((i: { instance_id: string }) => i.instance_id === held.instance_id)?.status === 'draining' ? true : undefined;
    });
    expect(await fleet.api.get(`/api/v1/sessions/${held.session_id}`)).toMatchObject({ instance_status: 'draining' });
    expect(await answered(held.address, held.port)).toBe('v1'); // not stopped while its session lasts
    const others = await Promise.all([1, 2, 3].map(() => fleet.api.post('/api/v1/sessions', { service: 'drain', ttl_s: 600 }).catch((e: unknown) => e)));
    for (const other of others) {
      if (other instanceof FerryApiError) expect(other.code).toBe('upgrading');
      else expect((other as { instance_id: string }).instance_id).not.toBe(held.instance_id);
    }
    for (const other of others) if (!(other instanceof FerryApiError)) await fleet.api.request('DELETE', `/api/v1/sessions/${(other as { session_id: string }).session_id}`);
    expect((await fleet.api.get(`/api/v1/deployments/${deploy_id}`)).status).toBe('running');

    await fleet.api.request('DELETE', `/api/v1/sessions/${held.session_id}`);
    const done = await fleet.api.waitForDeployment(deploy_id, 30_000);
    expect(done.status).toBe('succeeded');
    expect(await answered(held.address, held.port)).toBe('v2');
    await fleet.api.put('/api/v1/services/drain', { start: 'node server.js', instances: [] });
  });
});
