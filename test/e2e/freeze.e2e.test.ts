/**
 * Freeze windows end to end on a real server, a real agent and real hello-service
 * instances: a window declared with `ferry freeze add` refuses a deployment (422 frozen
 * over the API, exit 4 from `bin/ferry deploy`) and nothing starts; a rollback during the
 * freeze goes through; `--override-freeze` deploys and leaves its `freeze_overridden`
 * audit event; removing the window lets deployments through again. What an instance
 * runs is always asked of the instance itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { runFerryProcess, type FerryRun } from '../../src/local-fleet/ferry-processes.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { HelloService } from './rollout-support.js';

const SERVICE = 'frozen';
let fleet: LocalFleet;
let svc: HelloService;

function ferry(...args: string[]): Promise<FerryRun> {
  return runFerryProcess([...args, '--server', fleet.server.url], { FERRY_TOKEN: fleet.token });
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  svc = await HelloService.declare(fleet, SERVICE, 2);
  for (const version of ['v1', 'v2', 'v3']) await svc.release(version);
  for (const version of ['v1', 'v2']) {
    const done = await svc.deployAndWait(version);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
  }
}, 90_000);

afterAll(async () => {
  await svc?.remove();
  await fleet?.stop([SERVICE]);
}, 60_000);

describe('a freeze window over a running service', () => {
  let freezeId: string;
  // The window is an hour around the test's own start, so it covers every step below.
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();

  it('ferry freeze add declares it, and it is active', async () => {
    const added = await ferry('freeze', 'add', '--service', SERVICE, '--from', startsAt, '--until', endsAt, '--reason', 'release freeze', '--json');
    expect([added.code, added.stderr]).toEqual([0, '']);
    const created = JSON.parse(added.stdout) as { freeze_id: string; active_now: boolean; current_ends_at: string };
    freezeId = created.freeze_id;
    expect(created).toMatchObject({ active_now: true, current_ends_at: endsAt });
  });

  it('refuses a deployment: 422 frozen over the API, exit 4 from bin/ferry deploy; nothing starts', async () => {
    const refused = await refusalOf(svc.deploy('v3'));
    expect([refused.status, refused.code]).toEqual([422, 'frozen']);
    expect((refused.body as { error: { details: unknown } }).error.details).toEqual({ freeze_id: freezeId, reason: 'release freeze', ends_at: endsAt });
    const cli = await ferry('deploy', SERVICE, 'v3');
    expect(cli.code).toBe(4);
    expect(cli.stderr).toContain(freezeId);
    const { events } = await fleet.api.get(`/api/v1/audit?service=${SERVICE}&type=deploy_started`);
    expect(events.filter((e: { version: string }) => e.version === 'v3')).toEqual([]);
    expect(await svc.versions()).toEqual(['v2', 'v2']);
  });

  it('lets a rollback through', async () => {
    const rollback = await fleet.api.post(`/api/v1/services/${SERVICE}/rollback`, { reason: 'bad v2' });
    expect(rollback.target_version).toBe('v1');
    const done = await fleet.api.waitForRollback(rollback.rollback_id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v1', 'v1']);
  });

  it('ferry deploy --override-freeze deploys, and the override is audited', async () => {
    const cli = await ferry('deploy', SERVICE, 'v3', '--strategy', 'all_at_once', '--override-freeze', 'hotfix for INC-42', '--wait', '--json');
    expect(cli.code, cli.stderr).toBe(0);
    expect(await svc.versions()).toEqual(['v3', 'v3']);
    const { events } = await fleet.api.get(`/api/v1/audit?service=${SERVICE}&type=freeze_overridden`);
    expect(events).toEqual([
      expect.objectContaining({ version: 'v3', details: expect.objectContaining({ freeze_id: freezeId, override_reason: 'hotfix for INC-42', action: 'deploy', freeze_reason: 'release freeze' }) }),
    ]);
  });

  it('once removed, deployments go through again', async () => {
    const removed = await ferry('freeze', 'remove', freezeId);
    expect([removed.code, removed.stdout.trim()]).toEqual([0, `removed ${freezeId} (release freeze)`]);
    const done = await svc.deployAndWait('v2');
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v2', 'v2']);
    const { events } = await fleet.api.get(`/api/v1/audit?service=${SERVICE}&type=freeze_removed`);
    expect(events.map((e: { details: { freeze_id: string } }) => e.details.freeze_id)).toEqual([freezeId]);
  });
});
