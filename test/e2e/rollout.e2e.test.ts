/**
 * The rollout engine end to end: strategies, canary pauses, verification, one-click
 * rollback taking over, bad releases and the service lock, on a real server, a real
 * agent and real hello-service instances. Each scenario has its own service, so their
 * locks and desired versions stay apart, and removes its instances when done. What an
 * instance runs is always asked of the instance itself (its own GET /version).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { HelloService, TERMINAL_DEPLOYMENT_STATUSES, tally, versionsSeen, watchInstances } from './rollout-support.js';

/** Strategy fields that keep a rollout fast: no soak time between batches. */
const NO_SOAK = { min_healthy_time_s: 0 };
const SERVICES = ['rolling', 'canary', 'verify', 'takeover', 'bad', 'locked'];

let fleet: LocalFleet;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
}, 60_000);

afterAll(async () => {
  await fleet?.stop(SERVICES);
}, 60_000);

/** Declares a service, registers its releases and deploys the first one to every instance. */
async function serviceOn(name: string, count: number, releases: Record<string, Record<string, unknown> | undefined>, extra: Record<string, unknown> = {}): Promise<HelloService> {
  const service = await HelloService.declare(fleet, name, count, extra);
  for (const [version, behaviour] of Object.entries(releases)) await service.release(version, behaviour);
  const first = Object.keys(releases)[0]!;
  const done = await service.deployAndWait(first);
  expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
  expect(await service.versions()).toEqual(service.ports.map(() => first));
  return service;
}

const refusal = refusalOf;

describe('rolling deployment, batch_size 2 over 6 instances', () => {
  let svc: HelloService;
  beforeAll(async () => {
    // v2 waits 300 ms before listening, so every instance it replaces is visibly down for a while.
    svc = await serviceOn('rolling', 6, { v1: undefined, v2: { start_delay_ms: 300 } });
  }, 60_000);
  afterAll(() => svc?.remove(), 60_000);

  it('never has more than 2 instances down or off-version at once, and ends with all 6 on v2', async () => {
    const watch = watchInstances(svc.ports);
    const done = await svc.deployAndWait('v2', { strategy: { type: 'rolling', batch_size: 2, ...NO_SOAK } });
    const samples = await watch.stop();

    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(svc.ports.map(() => 'v2'));
    const disrupted = samples.map((s) => s.instances.filter((i) => !i.healthy || (i.version !== 'v1' && i.version !== 'v2')));
    const worst = disrupted.reduce((a, b) => (b.length > a.length ? b : a), []);
    expect(worst.length, `instances down at once: ${JSON.stringify(worst)}`).toBeLessThanOrEqual(2);
    // The watch did see the rollout: instances went down, and v1 and v2 served side by side.
    expect(worst.length).toBeGreaterThanOrEqual(1);
    expect(samples.some((s) => s.instances.some((i) => i.version === 'v1') && s.instances.some((i) => i.version === 'v2'))).toBe(true);
  });
});

describe('canary, one instance paused until promoted, over 4 instances', () => {
  let svc: HelloService;
  beforeAll(async () => {
    svc = await serviceOn('canary', 4, { v1: undefined, v2: undefined });
  }, 60_000);
  afterAll(() => svc?.remove(), 60_000);

  it('pauses with exactly 1 instance on v2, and on promote rolls the other 3 and moves the desired version', async () => {
    const id = await svc.deploy('v2', { strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }], ...NO_SOAK } });
    const reached = await pollUntil('the canary deployment to pause (or end)', async () => {
      const d = await svc.deployment(id);
      return d.status === 'paused' || TERMINAL_DEPLOYMENT_STATUSES.includes(d.status) ? d : undefined;
    });
    expect(reached.status, `expected paused, got ${reached.status} ${JSON.stringify(reached.reason)}`).toBe('paused');
    expect(tally(await svc.versions())).toEqual({ v1: 3, v2: 1 });
    expect((await svc.describe()).desired_version).toBe('v1');

    // A pause holds: over a second (several reconcile passes) nothing else moves.
    const holdUntil = Date.now() + 1000;
    while (Date.now() < holdUntil) {
      expect((await svc.deployment(id)).status).toBe('paused');
      expect(tally(await svc.versions())).toEqual({ v1: 3, v2: 1 });
    }

    await fleet.api.post(`/api/v1/deployments/${id}/promote`, {});
    const done = await fleet.api.waitForDeployment(id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(['v2', 'v2', 'v2', 'v2']);
    const service = await svc.describe();
    expect([service.desired_version, service.previous_version, service.lock]).toEqual(['v2', 'v1', null]);
  });
});

describe('verification after deploy', () => {
  let svc: HelloService;
  beforeAll(async () => {
    // v1 passes the check (GET /check → 200), which the first deployment proves.
    svc = await serviceOn('verify', 3, { v1: undefined, v2: { failing_paths: ['/check'] } }, { verify: [{ path: '/check', expect_status: 200 }] });
  }, 60_000);
  afterAll(() => svc?.remove(), 60_000);

  it('rolls back a release whose /check fails, naming the instance, and leaves everything on v1', async () => {
    const done = await svc.deployAndWait('v2', { strategy: { type: 'rolling', batch_size: 1, ...NO_SOAK } });
    expect(done.status, JSON.stringify(done.reason)).toBe('rolled_back');
    expect(done.reason.code).toBe('verify_failed');
    expect(svc.portNamedIn(done.reason.message), done.reason.message).toBeDefined();
    expect(await svc.versions()).toEqual(['v1', 'v1', 'v1']);
    expect((await svc.describe()).desired_version).toBe('v1');
  });
});

describe('one-click rollback during a deployment', () => {
  let svc: HelloService;
  beforeAll(async () => {
    svc = await serviceOn('takeover', 3, { v1: undefined, v2: undefined, v3: { start_delay_ms: 1500 } });
    expect((await svc.deployAndWait('v2')).status).toBe('succeeded');
  }, 60_000);
  afterAll(() => svc?.remove(), 60_000);

  it('aborts the deployment and returns every instance to the desired version it never replaced (CONTRACT §2 Rollbacks)', async () => {
    const before = await svc.describe();
    expect([before.desired_version, before.previous_version]).toEqual(['v2', 'v1']);
    const watch = watchInstances(svc.ports);
    const id = await svc.deploy('v3', { strategy: { type: 'rolling', batch_size: 1, ...NO_SOAK } });
    // Mid-deployment: one instance already answers v3, the next one is on its way.
    await pollUntil('one instance on v3 with the deployment still running', async () => {
      const d = await svc.deployment(id);
      return d.status === 'running' && d.progress.completed >= 1 && (await svc.versions()).includes('v3') ? true : undefined;
    });

    // v3 never became desired, so the last known-good version is the desired v2, not the previous v1.
    const rollback = await fleet.api.post(`/api/v1/services/${svc.name}/rollback`, {});
    expect([rollback.target_version, rollback.target_reason]).toEqual(['v2', 'active_deployment']);
    const rolledBack = await fleet.api.waitForRollback(rollback.rollback_id);
    const samples = await watch.stop();

    expect(rolledBack.status, JSON.stringify(rolledBack.reason)).toBe('succeeded');
    const deployment = await fleet.api.waitForDeployment(id, 10_000);
    expect(deployment.status).toBe('aborted');
    expect(await svc.versions()).toEqual(['v2', 'v2', 'v2']);
    // The deployment stopped advancing: only the two instances it had started ever ran v3.
    const ranV3 = [...versionsSeen(samples).values()].filter((seen) => seen.has('v3'));
    expect(ranV3.length).toBeGreaterThanOrEqual(1);
    expect(ranV3.length).toBeLessThanOrEqual(2);
    const service = await svc.describe();
    expect([service.desired_version, service.previous_version, service.lock]).toEqual(['v2', 'v1', null]);
    const { events } = await fleet.api.get(`/api/v1/audit?type=deploy_aborted&deploy_id=${id}`);
    expect(events).toHaveLength(1);
  });
});

describe('a bad release fails within the first batch, rolling batch_size 1 over 3 instances', () => {
  let svc: HelloService;
  beforeAll(async () => {
    svc = await serviceOn('bad', 3, { v1: undefined, 'never-ready': { never_ready: true }, crashing: { crash_on_start: true } });
  }, 60_000);
  afterAll(() => svc?.remove(), 60_000);

  it.each([
    { version: 'never-ready', code: 'health_timeout' },
    { version: 'crashing', code: 'crashed_on_start' },
  ])('$version: ends rolled_back with $code naming the instance; the other two are untouched', async ({ version, code }) => {
    const pidsBefore = svc.pids();
    const watch = watchInstances(svc.ports);
    const done = await svc.deployAndWait(version, { timeout: 3, strategy: { type: 'rolling', batch_size: 1, ...NO_SOAK } });
    const samples = await watch.stop();

    expect(done.status, JSON.stringify(done.reason)).toBe('rolled_back');
    expect(done.reason.code).toBe(code);
    const first = svc.portNamedIn(done.reason.message);
    expect(first, done.reason.message).toBeDefined();
    const seen = versionsSeen(samples);
    if (version === 'never-ready') expect([...seen.get(first!)!]).toContain(version); // it did run there
    const pidsAfter = svc.pids();
    for (const port of svc.ports.filter((p) => p !== first)) {
      expect([...seen.get(port)!], `versions instance ${svc.instanceId(port)} answered`).toEqual(['v1']);
      expect(pidsAfter[port], `pid of ${svc.instanceId(port)}`).toBe(pidsBefore[port]);
    }
    expect(await svc.versions()).toEqual(['v1', 'v1', 'v1']);
    expect((await svc.describe()).desired_version).toBe('v1');
  });
});

describe('service lock', () => {
  let svc: HelloService;
  beforeAll(async () => {
    svc = await serviceOn('locked', 3, { v1: undefined, v2: { start_delay_ms: 1500 } });
  }, 60_000);
  afterAll(() => svc?.remove(), 60_000);

  it('refuses a second deployment or batch rollback with 409 service_locked naming the holder, and frees the lock at the end', async () => {
    const id = await svc.deploy('v2', { strategy: { type: 'rolling', batch_size: 1, ...NO_SOAK } });

    const second = await refusal(svc.deploy('v1'));
    expect([second.status, second.code]).toEqual([409, 'service_locked']);
    expect(second.message).toContain(id);
    expect(JSON.stringify((second.body as { error: { details: unknown } }).error.details)).toContain(id);
    const batch = await refusal(fleet.api.post('/api/v1/rollbacks/batch', { service: svc.name, target_version: 'v1' }));
    expect([batch.status, batch.code]).toEqual([409, 'service_locked']);
    const lock = (await svc.describe()).lock;
    expect(lock).not.toBeNull();
    expect(JSON.stringify(lock)).toContain(id);

    const done = await fleet.api.waitForDeployment(id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect((await svc.describe()).lock).toBeNull();
    expect(await svc.versions()).toEqual(['v2', 'v2', 'v2']);
    // Free in the store, not only in the read model: the next deployment is accepted.
    expect((await svc.deployAndWait('v1')).status).toBe('succeeded');
  });
});
