/**
 * Channels end to end (CONTRACT §4 Channels) on a real server, a real agent and four real
 * hello-service instances: a canary of one instance gets v2 while stable stays on v1,
 * promotion is refused until the soak is over, then rolls v2 to every instance; the
 * emergency channel rollback of stable, through the CLI, returns every instance to v1.
 * What an instance runs is asked of the instance itself (its own GET /version).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { runFerry } from '../../src/testing/fake-terminal.js';
import { HelloService, tally } from './rollout-support.js';

const NAME = 'chan';
/** Rolling two at a time with no soak between batches keeps the rollouts quick. */
const STRATEGY = { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 };
const specWith = (svc: HelloService, minSoakMinutes: number) => ({
  start: 'node server.js',
  keep_releases: 5,
  strategy: STRATEGY,
  channels: { canary: { instances: 1, min_soak_minutes: minSoakMinutes } },
  instances: svc.ports.map((port) => ({ host: 'local', port })),
});

let fleet: LocalFleet;
let svc: HelloService;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  svc = await HelloService.declare(fleet, NAME, 4, { strategy: STRATEGY, channels: { canary: { instances: 1, min_soak_minutes: 600 } } });
  await svc.release('v1');
  await svc.release('v2');
  const first = await svc.deployAndWait('v1');
  expect(first.status, JSON.stringify(first.reason)).toBe('succeeded');
}, 90_000);

afterAll(async () => {
  await svc?.remove();
  await fleet?.stop([NAME]);
}, 60_000);

const channels = async () => (await fleet.api.get(`/api/v1/services/${NAME}/channels`)).channels as Array<{ name: string; version: string | null; instances: string[]; history: Array<Record<string, unknown>> }>;
const channel = async (name: string) => (await channels()).find((c) => c.name === name)!;
/** The canary's port: the first instance by instance_id. */
const canaryPort = () => [...svc.ports].sort((a, b) => svc.instanceId(a).localeCompare(svc.instanceId(b)))[0]!;

describe('channels over 4 instances, canary {instances: 1}', () => {
  it('channel set canary v2 puts v2 on the canary instance only', async () => {
    const started = await fleet.api.post(`/api/v1/services/${NAME}/channels/canary/deploy`, { version: 'v2', reason: 'try v2 on one' });
    expect(started.instances).toEqual([svc.instanceId(canaryPort())]);
    const done = await fleet.api.waitForDeployment(started.deploy_id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');

    const versions = await svc.versions();
    expect(tally(versions)).toEqual({ v1: 3, v2: 1 });
    expect(versions[svc.ports.indexOf(canaryPort())]).toBe('v2');
    expect(await channel('canary')).toMatchObject({ version: 'v2', instances: [svc.instanceId(canaryPort())] });
    expect((await channel('stable')).version).toBe('v1');
    expect((await svc.describe()).desired_version).toBe('v1');
  }, 60_000);

  it('promotion before min_soak_minutes is refused, naming the soak', async () => {
    const refused = await refusalOf(fleet.api.post(`/api/v1/services/${NAME}/channels/promote`, { from: 'canary', to: 'stable', reason: 'looks good' }));
    expect([refused.status, refused.code]).toEqual([422, 'promotion_refused']);
    const reasons = (refused.body as { error: { details: { reasons: Array<{ code: string }> } } }).error.details.reasons;
    expect(reasons.map((r) => r.code)).toContain('soak_not_elapsed');
    expect(tally(await svc.versions())).toEqual({ v1: 3, v2: 1 });
  });

  it('with min_soak_minutes 0, promotion rolls v2 to all 4; stable is v2 and its history names the actor and reason', async () => {
    await fleet.api.put(`/api/v1/services/${NAME}`, specWith(svc, 0));
    const started = await fleet.api.post(`/api/v1/services/${NAME}/channels/promote`, { from: 'canary', to: 'stable', reason: 'soaked clean' });
    const done = await fleet.api.waitForDeployment(started.deploy_id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');

    expect(await svc.versions()).toEqual(['v2', 'v2', 'v2', 'v2']);
    const stable = await channel('stable');
    expect(stable.version).toBe('v2');
    const { events } = await fleet.api.get(`/api/v1/audit?type=channel_promoted`);
    expect(events).toHaveLength(1);
    expect(stable.history[0]).toMatchObject({ version: 'v2', actor: events[0].actor, reason: 'soaked clean' });
    expect(typeof events[0].actor).toBe('string');
    const rollout = await fleet.api.get(`/api/v1/audit?type=deploy_started&deploy_id=${started.deploy_id}`);
    expect(rollout.events[0].details).toMatchObject({ channel: 'stable', promoted_from: 'canary' });
  }, 60_000);

  it('ferry channel rollback --channel stable --to v1 returns every instance to v1, audited with actor and reason', async () => {
    const run = await runFerry(['channel', 'rollback', NAME, '--channel', 'stable', '--to', 'v1', '--reason', 'errors after promotion', '--wait', '--server', fleet.server.url, '--token', fleet.token]);
    expect(run.code, run.stderr).toBe(0);

    expect(await svc.versions()).toEqual(['v1', 'v1', 'v1', 'v1']);
    expect((await channel('stable')).version).toBe('v1');
    const { events } = await fleet.api.get(`/api/v1/audit?type=channel_rolled_back`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ details: { channel: 'stable', to_version: 'v1', reason: 'errors after promotion' } });
    expect((await channel('stable')).history[0]).toMatchObject({ version: 'v1', reason: 'errors after promotion', actor: events[0].actor });
  }, 60_000);
});
