/**
 * Drift end to end: a real server, agent and hello-service instances. One instance is
 * tampered with behind Ferry's back (its `current` link switched to v1 and its process
 * killed, so the agent's crash-restart brings it back on old code). Ferry must notice
 * within one heartbeat interval + 1 s of the instance first answering v1 itself,
 * quarantine it, and (drift_policy rebuild) rebuild it on v2, or (quarantine) leave it
 * for a person to release once its version is right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { answeredVersion, HelloService } from './rollout-support.js';

const HEARTBEAT_S = 1;
let fleet: LocalFleet;
let rebuilt: HelloService;
let quarantined: HelloService;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'], env: { FERRY_HEARTBEAT_S: String(HEARTBEAT_S) } });
  rebuilt = await HelloService.declare(fleet, 'drifty', 3);
  quarantined = await HelloService.declare(fleet, 'driftq', 2, { drift_policy: 'quarantine' });
  for (const service of [rebuilt, quarantined]) {
    for (const version of ['v1', 'v2']) await service.release(version);
    expect((await service.deployAndWait('v1')).status).toBe('succeeded');
    expect((await service.deployAndWait('v2')).status).toBe('succeeded');
    expect(await service.versions()).toEqual(service.ports.map(() => 'v2'));
  }
}, 120_000);

afterAll(async () => {
  await fleet?.stop(['drifty', 'driftq']);
}, 60_000);

/**
 * Points the instance's `current` link at `version` (atomically, as a person with a shell
 * might) and kills its process group; returns the moment the instance first answers
 * `version` on its own /version after the agent restarted it.
 */
async function tamper(service: HelloService, port: number, version: string): Promise<number> {
  fleet.tamperWithInstance('local', service.name, service.instanceId(port), version);
  return pollUntil(`${service.instanceId(port)} to answer ${version} on its own`, async () => ((await answeredVersion(port)) === version ? Date.now() : undefined), { intervalMs: 10 });
}

async function auditOf(service: string, type: string, instanceId: string): Promise<any[]> {
  const { events } = await fleet.api.get(`/api/v1/audit?service=${service}&type=${type}`);
  return events.filter((e: { instance_id: string }) => e.instance_id === instanceId);
}

async function instanceView(service: HelloService, instanceId: string): Promise<any> {
  const { instances } = await fleet.api.get(`/api/v1/services/${service.name}/instances`);
  return instances.find((i: { instance_id: string }) => i.instance_id === instanceId);
}

describe('drift end to end', () => {
  it('detects a tampered instance within a heartbeat + 1 s, quarantines it and rebuilds it on v2', async () => {
    const port = rebuilt.ports[1]!;
    const id = rebuilt.instanceId(port);
    const answeredV1At = await tamper(rebuilt, port, 'v1');
    const [detected] = await pollUntil('version_mismatch_detected', async () => {
      const events = await auditOf('drifty', 'version_mismatch_detected', id);
      return events.length > 0 ? events : undefined;
    }, { timeoutMs: 10_000 });
    const latencyMs = Date.parse(detected.at) - answeredV1At;
    console.log(`drift detection latency: ${latencyMs} ms (limit ${HEARTBEAT_S * 1000 + 1000} ms)`);
    expect(latencyMs).toBeLessThanOrEqual(HEARTBEAT_S * 1000 + 1000);
    expect(detected).toMatchObject({ actor: 'ferry:drift', version: 'v1', details: { expected: 'v2', observed: 'v1', policy: 'rebuild' } });
    expect((await auditOf('drifty', 'instance_quarantined', id)).length).toBe(1);

    await pollUntil(`${id} rebuilt`, async () => ((await auditOf('drifty', 'instance_rebuilt', id)).length > 0 ? true : undefined), { timeoutMs: 30_000 });
    expect(await answeredVersion(port)).toBe('v2');
    expect(await rebuilt.versions()).toEqual(['v2', 'v2', 'v2']);
    const view = await pollUntil(`${id} ready`, async () => {
      const v = await instanceView(rebuilt, id);
      return v.status === 'ready' ? v : undefined;
    });
    expect(view).toMatchObject({ version: 'v2', pinned_version: null, isolation: null });
    const versions = await fleet.api.get('/api/v1/services/drifty/versions');
    expect(versions).toMatchObject({ desired_version: 'v2', version_summary: { v2: 3 }, drift_count: 0 });
    expect((await auditOf('drifty', 'version_mismatch_detected', id)).length).toBe(1); // one episode, one report
    expect((await fleet.api.get('/api/v1/services/drifty')).desired_version).toBe('v2');
  });

  it('shows the instance quarantined while isolated (quarantine policy) and releases it once its version is right', async () => {
    const port = quarantined.ports[0]!;
    const id = quarantined.instanceId(port);
    const notIsolated = await refusalOf(fleet.api.post(`/api/v1/instances/${id}/release`));
    expect(notIsolated).toMatchObject({ status: 422, code: 'not_isolated' });
    expect(await refusalOf(fleet.api.post('/api/v1/instances/driftq-local-1/release'))).toMatchObject({ status: 404, code: 'instance_not_found' });

    await tamper(quarantined, port, 'v1');
    await pollUntil(`${id} quarantined`, async () => ((await instanceView(quarantined, id)).status === 'quarantined' ? true : undefined), { timeoutMs: 10_000 });
    const versions = await fleet.api.get('/api/v1/services/driftq/versions');
    expect(versions.drift_count).toBe(1);
    expect(versions.instances.find((i: { instance_id: string }) => i.instance_id === id)).toMatchObject({
      status: 'quarantined',
      version: 'v1',
      drifted: true,
      drift_reason: { code: 'version_mismatch' },
      isolation: { status: 'quarantined', policy: 'quarantine', expected_version: 'v2', observed_version: 'v1' },
    });
    // Gauges are kept by the reconcile loop, not computed at scrape time: the next pass shows it.
    const metrics = await pollUntil('/metrics to count the drifted instance', async () => {
      const text = await (await fetch(`${fleet.api.url}/metrics`)).text();
      return /ferry_drifted_instances\{service="driftq"\} 1/.test(text) ? text : undefined;
    }, { timeoutMs: 10_000 });
    expect(metrics).toMatch(/ferry_drifted_instances\{service="driftq"\} 1/);

    // Out of session allocation from the moment it was isolated: every new session lands elsewhere.
    const sessions = await Promise.all(Array.from({ length: 6 }, () => fleet.api.post('/api/v1/sessions', { service: 'driftq', ttl_s: 60 })));
    expect(sessions.map((x: { instance_id: string }) => x.instance_id).filter((i: string) => i === id)).toEqual([]);
    expect(sessions.every((x: { runtime_version: string }) => x.runtime_version === 'v2')).toBe(true);
    for (const x of sessions) await fleet.api.request('DELETE', `/api/v1/sessions/${x.session_id}`);

    const stillWrong = await refusalOf(fleet.api.post(`/api/v1/instances/${id}/release`));
    expect(stillWrong).toMatchObject({ status: 422, code: 'version_still_wrong' });
    expect((stillWrong.body as any).error.details).toMatchObject({ expected: 'v2', observed: 'v1' });
    expect((await instanceView(quarantined, id)).status).toBe('quarantined');
    expect(await answeredVersion(port)).toBe('v1'); // left alone for a person: no rebuild
    expect(await auditOf('driftq', 'instance_rebuild_started', id)).toEqual([]);

    // A person fixes it: a deployment of that one instance back to v2.
    expect((await quarantined.deployAndWait('v2', { instances: [id] })).status).toBe('succeeded');
    expect(await answeredVersion(port)).toBe('v2');
    expect((await instanceView(quarantined, id)).status).toBe('quarantined'); // still out of service until released
    const released = await fleet.api.post(`/api/v1/instances/${id}/release`);
    expect(released).toMatchObject({ instance_id: id, released: true, status: 'ready', version: 'v2' });
    expect((await auditOf('driftq', 'instance_released', id)).length).toBe(1);
    expect((await fleet.api.get('/api/v1/services/driftq/versions')).drift_count).toBe(0);
  });

  it('mark_unhealthy: shows unhealthy, stays out of service and is released after the link is put back', async () => {
    const spec = { start: 'node server.js', keep_releases: 5, drift_policy: 'mark_unhealthy', instances: quarantined.ports.map((port) => ({ host: 'local', port })) };
    await fleet.api.put('/api/v1/services/driftq', spec);
    const port = quarantined.ports[1]!;
    const id = quarantined.instanceId(port);
    await tamper(quarantined, port, 'v1');
    await pollUntil(`${id} marked unhealthy`, async () => ((await auditOf('driftq', 'instance_marked_unhealthy', id)).length > 0 ? true : undefined), { timeoutMs: 10_000 });
    const view = await instanceView(quarantined, id);
    expect(view).toMatchObject({ status: 'unhealthy', version: 'v1', isolation: { status: 'unhealthy', policy: 'mark_unhealthy' } });
    expect((await refusalOf(fleet.api.post(`/api/v1/instances/${id}/release`))).code).toBe('version_still_wrong');

    await tamper(quarantined, port, 'v2'); // a person puts the link back; the agent restarts it on v2
    await pollUntil(`${id} reported on v2`, async () => ((await instanceView(quarantined, id)).version === 'v2' ? true : undefined), { timeoutMs: 10_000 });
    expect((await instanceView(quarantined, id)).status).toBe('unhealthy'); // still isolated until released
    expect(await fleet.api.post(`/api/v1/instances/${id}/release`)).toMatchObject({ released: true, status: 'ready', version: 'v2' });
  });
});
