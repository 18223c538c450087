/**
 * A rollout survives kill -9 of the control plane. Its own fleet, because the server
 * process dies here: the deployment must resume from the store on the same data dir and
 * finish exactly once, without redoing work an instance already finished.
 */
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { HelloService, tally } from './rollout-support.js';

let fleet: LocalFleet;
let svc: HelloService;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  svc = await HelloService.declare(fleet, 'crash', 3);
  await svc.release('v1');
  // 1.5 s before it listens, so a switch is visibly in flight when the server dies.
  await svc.release('v2', { start_delay_ms: 1500 });
  await svc.release('v3', { start_delay_ms: 1500 });
  expect((await svc.deployAndWait('v1')).status).toBe('succeeded');
}, 60_000);

afterAll(async () => {
  await fleet?.stop(['crash']);
}, 60_000);

describe('kill -9 of the server mid-rollout', () => {
  it('resumes after a restart on the same data dir and completes exactly once', async () => {
    const id = await svc.deploy('v2', { strategy: { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 } });
    // One instance done (the server counted it and it answers v2), the next one switching (answers nothing).
    const versions = await pollUntil('one instance on v2 and one in flight', async () => {
      const d = await svc.deployment(id);
      const answers = await svc.versions();
      const counts = tally(answers);
      return d.progress.completed === 1 && counts.v2 === 1 && counts.none === 1 ? answers : undefined;
    }, { intervalMs: 20 });
    const finishedPort = svc.ports[versions.indexOf('v2')]!;
    const finishedPid = svc.pids()[finishedPort];

    await fleet.server.kill9();
    await fleet.restartServer();

    const done = await fleet.api.waitForDeployment(id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v2', 'v2', 'v2']);
    expect(svc.pids()[finishedPort], `${svc.instanceId(finishedPort)} was switched again`).toBe(finishedPid);
    const { events } = await fleet.api.get(`/api/v1/audit?type=deploy_completed&deploy_id=${id}`);
    expect(events).toHaveLength(1);
    const service = await svc.describe();
    expect([service.desired_version, service.previous_version, service.lock]).toEqual(['v2', 'v1', null]);
  });
});

describe('kill -9 of the agent mid-rollout', () => {
  it('a restarted agent finishes the interrupted switch; every instance is on a whole release', async () => {
    const id = await svc.deploy('v3', { strategy: { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 } });
    await pollUntil('an instance switching to v3', async () => {
      const counts = tally(await svc.versions());
      return counts.none === 1 ? true : undefined;
    }, { intervalMs: 20 });

    await fleet.agents.get('local')!.kill9();
    // Whatever the agent was doing, each instance's `current` names a complete release.
    const root = join(fleet.agentRoot('local'), 'crash');
    for (const id of readdirSync(join(root, 'instances'))) {
      const target = readlinkSync(join(root, 'instances', id, 'current'));
      expect(existsSync(join(root, 'instances', id, target, 'ferry-release.json')), `${id} -> ${target}`).toBe(true);
    }
    for (const version of readdirSync(join(root, 'releases'))) {
      expect(existsSync(join(root, 'releases', version, 'ferry-release.json')), `release ${version} is whole`).toBe(true);
    }
    await fleet.startAgent('local');

    const done = await fleet.api.waitForDeployment(id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v3', 'v3', 'v3']);
    const { events } = await fleet.api.get(`/api/v1/audit?type=deploy_completed&deploy_id=${id}`);
    expect(events).toHaveLength(1);
    expect((await svc.describe()).lock).toBeNull();
  });
});
