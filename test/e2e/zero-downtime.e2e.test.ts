/**
 * Zero-downtime traffic (issue 13) end to end: a real server, one real agent with 8
 * hello-service instances on loopback, and a real HAProxy (`retries 0`) or nginx
 * (`proxy_next_upstream off`) in front, so no retry hides a request sent to an instance
 * that is stopping. A fixed 400 req/s open-loop load over keep-alive connections goes
 * through the balancer while Ferry rolls all 8 instances to v2 and rolls them back: not
 * one request may fail. A canary at weight 10 must get 10% ± 3 of 2,000 requests, counted
 * by the version each answer names.
 *
 * Nothing here waits by sleeping: every wait polls a state with a deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceIdFor } from '../../src/core/names.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { readServerStats } from '../../src/server/traffic/haproxy-runtime-api.js';
import { haproxyMissing, startHaproxy, type HaproxyProcess } from '../../src/testing/haproxy-process.js';
import { describeLoad, startLoad, type LoadOptions, type LoadReport } from '../../src/testing/load-generator.js';
import { nginxMissing, startNginx, type NginxProcess } from '../../src/testing/nginx-process.js';
import { HelloService, TERMINAL_DEPLOYMENT_STATUSES, tally } from './rollout-support.js';

const HOST = 'local';
const INSTANCES = 8;
const CANARY_INSTANCES = 4;
const RATE = 400;
const ROLLING = { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 };
/** A drain waits for the balancer's connection count to reach 0, or this long where it cannot tell (nginx). */
const DRAIN_S = 1;
/** v2 waits 200 ms before it listens, so an instance sent traffic too early would be seen failing. */
const RELEASES = { v1: undefined, v2: { start_delay_ms: 200 } };
const SERVICES = ['zdt-haproxy', 'zdt-nginx', 'zdt-canary'];

let fleet: LocalFleet;
const balancers: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: [HOST] });
}, 60_000);

afterAll(async () => {
  try {
    await fleet?.stop(SERVICES);
  } finally {
    for (const balancer of balancers.splice(0)) await balancer.stop();
  }
}, 60_000);

/** Declares `name` on `ports` behind `traffic`, registers v1 and v2 and puts v1 everywhere. */
async function serviceBehind(name: string, ports: number[], traffic: Record<string, unknown>): Promise<HelloService> {
  const svc = await HelloService.declareOn(fleet, name, ports, { traffic, drain_s: DRAIN_S, strategy: ROLLING });
  for (const [version, behaviour] of Object.entries(RELEASES)) await svc.release(version, behaviour);
  const first = await svc.deployAndWait('v1');
  expect(first.status, JSON.stringify(first.reason)).toBe('succeeded');
  return svc;
}

/** Waits until HAProxy has every server of the backend UP, so the load starts on a whole fleet. */
async function allUp(haproxy: HaproxyProcess, count: number): Promise<void> {
  await pollUntil(`HAProxy to see all ${count} servers UP`, async () => {
    const stats = await readServerStats(haproxy.socket, haproxy.backend, { timeoutMs: 1000 });
    return stats.length === count && stats.every((s) => s.status === 'UP') ? true : undefined;
  }, { timeoutMs: 20_000 });
}

interface Timed {
  report: LoadReport;
  rollingMs: number;
  rollbackMs: number;
}

/** Rolls v1 → v2 and rolls back under the load through `url`, and returns what the load saw. */
async function rollAndRollBackUnderLoad(svc: HelloService, url: string, client: Pick<LoadOptions, 'resendUnanswered'> = {}): Promise<Timed> {
  const load = startLoad({ url: `${url}/api/items?q=zdt`, rate: RATE, connections: 16, timeoutMs: 2000, ...client });
  try {
    let started = performance.now();
    const rolled = await svc.deployAndWait('v2', { strategy: ROLLING });
    const rollingMs = performance.now() - started;
    expect(rolled.status, JSON.stringify(rolled.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(svc.ports.map(() => 'v2'));

    started = performance.now();
    const { rollback_id } = await fleet.api.post(`/api/v1/services/${svc.name}/rollback`, { reason: 'zero-downtime e2e' });
    const back = await fleet.api.waitForRollback(rollback_id);
    const rollbackMs = performance.now() - started;
    expect(back.status, JSON.stringify(back.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(svc.ports.map(() => 'v1'));
    return { report: await load.stop(), rollingMs, rollbackMs };
  } finally {
    await load.stop();
  }
}

/** The assertions every balancer must meet, with the figures printed for the record. */
function expectNoFailedRequest(balancer: string, { report, rollingMs, rollbackMs }: Timed): void {
  console.log(`[zero-downtime ${balancer}] rolling ${Math.round(rollingMs)} ms, rollback ${Math.round(rollbackMs)} ms; ${describeLoad(report)}`);
  expect(report.failed, `requests failed behind ${balancer}: ${describeLoad(report)}`).toBe(0);
  // The load really ran through the rollout: both versions answered it, at about the rate asked.
  expect(report.versions.v1 ?? 0).toBeGreaterThan(0);
  expect(report.versions.v2 ?? 0).toBeGreaterThan(0);
  expect(report.achievedRate).toBeGreaterThan(RATE * 0.8);
}

describe.skipIf(haproxyMissing() !== undefined)(`behind HAProxy (retries 0)${haproxyMissing() ? ` (skipped: ${haproxyMissing()})` : ''}`, () => {
  let haproxy: HaproxyProcess;
  let svc: HelloService;
  beforeAll(async () => {
    const ports = await freePorts(INSTANCES);
    haproxy = await startHaproxy({ servers: ports.map((port) => ({ name: instanceIdFor('zdt-haproxy', HOST, port), address: '127.0.0.1', port })), socket: 'unix', retries: 0 });
    balancers.push(haproxy);
    svc = await serviceBehind('zdt-haproxy', ports, { type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend });
    await allUp(haproxy, INSTANCES);
  }, 60_000);

  it('rolls 8 instances to v2 and back under 400 req/s with 0 failed requests', async () => {
    expectNoFailedRequest('HAProxy', await rollAndRollBackUnderLoad(svc, haproxy.url));
  }, 90_000);
});

describe.skipIf(nginxMissing() !== undefined)(`behind nginx (proxy_next_upstream off)${nginxMissing() ? ` (skipped: ${nginxMissing()})` : ''}`, () => {
  let nginx: NginxProcess;
  let svc: HelloService;
  beforeAll(async () => {
    const ports = await freePorts(INSTANCES);
    nginx = await startNginx({ upstream: 'zdt', servers: ports.map((port) => ({ address: '127.0.0.1', port })) });
    balancers.push(nginx);
    svc = await serviceBehind('zdt-nginx', ports, { type: 'nginx', upstream_file: nginx.upstreamFile, upstream: nginx.upstream, reload: nginx.reloadArgv });
    // nginx has no health checks: the load starts once every instance answers on its own.
    await pollUntil('all 8 instances to answer v1', async () => ((await svc.versions()).every((v) => v === 'v1') ? true : undefined));
  }, 60_000);

  it('rolls 8 instances to v2 and back under 400 req/s with 0 failed requests', async () => {
    // Every reload makes nginx's old worker close the client connections it holds no request
    // on (idle keep-alive ones, and ones it accepted just before): a request leaving on one
    // gets no answer (socket hang up) though no instance saw it; 12 bare reloads at 400 req/s
    // lose a few with nothing else changing. The client sends such a GET again on a new
    // connection, at most twice, as RFC 9110 §9.2.2 lets it and browsers do; the resends are
    // counted and printed. A request an instance lost is answered 502 and never sent again.
    expectNoFailedRequest('nginx', await rollAndRollBackUnderLoad(svc, nginx.url, { resendUnanswered: 2 }));
  }, 90_000);
});

describe.skipIf(haproxyMissing() !== undefined)(`a canary at weight 10 behind HAProxy${haproxyMissing() ? ` (skipped: ${haproxyMissing()})` : ''}`, () => {
  let haproxy: HaproxyProcess;
  let svc: HelloService;
  beforeAll(async () => {
    // 4 instances, so the canary's one instance would carry 25% at equal weights: only the
    // weights Ferry sets through HAProxy bring it to 10% (over 8 it would be 12.5% by itself).
    const ports = await freePorts(CANARY_INSTANCES);
    haproxy = await startHaproxy({ servers: ports.map((port) => ({ name: instanceIdFor('zdt-canary', HOST, port), address: '127.0.0.1', port })), socket: 'unix', retries: 0 });
    balancers.push(haproxy);
    svc = await serviceBehind('zdt-canary', ports, { type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend });
    await allUp(haproxy, CANARY_INSTANCES);
  }, 60_000);

  /** The share of HAProxy's weight on servers that answer v2, over the servers it sends to. */
  async function v2WeightShare(): Promise<number> {
    const stats = await readServerStats(haproxy.socket, haproxy.backend, { timeoutMs: 1000 });
    const indexOf = new Map(svc.ports.map((port, i) => [svc.instanceId(port), i] as const));
    const answered = await svc.versions();
    let total = 0;
    let v2 = 0;
    for (const stat of stats.filter((s) => s.status === 'UP')) {
      total += stat.weight;
      if (answered[indexOf.get(stat.server) ?? -1] === 'v2') v2 += stat.weight;
    }
    return total === 0 ? 0 : v2 / total;
  }

  it('sends 10% ± 3 of 2,000 requests to v2 while paused, then promotes', async () => {
    const id = await svc.deploy('v2', { strategy: { type: 'canary', steps: [{ weight: 10, pause: 'until_promoted' }], min_healthy_time_s: 0 } });
    const reached = await pollUntil('the canary to pause (or end)', async () => {
      const d = await svc.deployment(id);
      return d.status === 'paused' || TERMINAL_DEPLOYMENT_STATUSES.includes(d.status) ? d : undefined;
    });
    expect(reached.status, JSON.stringify(reached.reason)).toBe('paused');
    // Paused means the canary is placed; its weights reach HAProxy through the traffic sync.
    const share = await pollUntil('HAProxy weights to give v2 about 10%', async () => {
      const s = await v2WeightShare();
      return s >= 0.07 && s <= 0.13 ? s : undefined;
    }, { timeoutMs: 15_000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}; v2's share of the weight is ${await v2WeightShare()}, versions ${JSON.stringify(tally(await svc.versions()))}`);
    });

    const report = await startLoad({ url: `${haproxy.url}/version`, rate: RATE, connections: 16, maxRequests: 2000 }).finished;
    console.log(`[zero-downtime canary] v2 weight share ${share.toFixed(3)}; ${describeLoad(report)}`);
    expect(report.failed, describeLoad(report)).toBe(0);
    const v2Share = (report.versions.v2 ?? 0) / report.sent;
    expect(v2Share, describeLoad(report)).toBeGreaterThanOrEqual(0.07);
    expect(v2Share, describeLoad(report)).toBeLessThanOrEqual(0.13);

    await fleet.api.post(`/api/v1/deployments/${id}/promote`, {});
    const done = await fleet.api.waitForDeployment(id);
    expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual(svc.ports.map(() => 'v2'));
  }, 90_000);
});
