/**
 * The demo's story: what Ferry does beyond "deploy and roll back", on six real
 * hello-service instances. Each step is one timed line; each checks what the instances
 * themselves answer, so the demo cannot pass on what the control plane merely hopes.
 *
 *   three releases (v3 fails its verify check) → v1 rolling → readiness enforced: v2
 *   refused until CI evidence and a staging replay admit it → v2 on the canary channel,
 *   promoted to stable → v3 rolled back automatically, paging its P0 → a session traced
 *   to its version → an instance changed behind Ferry's back is rebuilt → a viewer token
 *   refused a deploy → http-server from npm, with no /version, proven by its process →
 *   behind HAProxy, a rolling restart under load loses no request → a freeze window
 *   refuses a deploy → one-click rollback during the freeze, still serving through
 *   HAProxy → a summary table
 */
import { FerryApi, refusalOf } from '../local-fleet/ferry-api.js';
import { freePorts } from '../local-fleet/free-port.js';
import { HELLO_REPORT_CHAIN, packageHello } from '../local-fleet/hello-packages.js';
import type { LocalFleet } from '../local-fleet/local-fleet.js';
import { pollUntil } from '../local-fleet/poll-until.js';
import { instanceIdFor } from '../core/names.js';
import { haproxyMissing, startHaproxy, type HaproxyProcess } from '../local-fleet/haproxy-process.js';
import { startLoad } from '../local-fleet/load-generator.js';
import { anyServiceStep } from './any-service-step.js';
import type { Step } from './demo-step.js';

export const SERVICE = 'hello';
export const HOST = 'local';
const INSTANCES = 6;
/** Quick health gates: the demo's instances are ready in milliseconds. */
const GATES = { min_healthy_time_s: 0.5 };
/** What admits a release of the demo's service: two CI checks and a staging replay. */
const REQUIRED_CHECKS = ['quality', 'security', 'replay'];
/** Requests per second sent through HAProxy while Ferry restarts and rolls back behind it. */
const LOAD_RATE = 200;


interface Operation {
  id: string;
  what: string;
  status: string;
  ms: number;
}

export async function demoStory(fleet: LocalFleet, step: Step, say: (line: string) => void): Promise<void> {
  const api = fleet.api;
  const operations: Operation[] = [];
  await step('package and register v1, v2, v3 (v3 fails /check)', async () => {
    const notes = [];
    for (const version of ['v1', 'v2', 'v3']) {
      const pkg = await packageHello(fleet.dir, SERVICE, version, version === 'v3' ? { behaviour: { failing_paths: ['/check'] } } : {});
      await api.post('/api/v1/releases', { service: SERVICE, version, package_url: pkg.package_url, sha256: pkg.sha256 });
      notes.push(`${version} ${pkg.sha256.slice(0, 8)}…`);
    }
    return { value: undefined, note: notes.join(', ') };
  });
  const ports = await freePorts(INSTANCES);
  const spec = {
    start: 'node server.js',
    env: { GREETING_SECRET: 'only-admins-see-this' },
    // Every rollout runs the seed's smoke chain for real on each new instance: search, generate a PDF report, download it.
    verify: [{ path: '/check', expect_status: 200 }, HELLO_REPORT_CHAIN],
    instances: ports.map((port) => ({ host: HOST, port })),
    // Recorded traffic a candidate is replayed with; served_at differs on every answer (noise).
    // The body names the version that answered, which is meant to differ.
    replay: { requests: ['ferry', 'boat', 'harbour'].map((q) => ({ method: 'GET', path: `/api/items?q=${q}` })), ignore: ['/version'] },
    channels: { canary: { instances: 1, min_soak_minutes: 0 } },
    // What a promotion rolls with: three at a time.
    strategy: { type: 'rolling', batch_size: 3, ...GATES },
  };
  await step(`declare ${SERVICE}: ${INSTANCES} instances, replay, canary; every rollout runs /check + smoke chain (search → PDF → download)`, async () => {
    await api.put(`/api/v1/services/${SERVICE}`, spec);
    return { value: undefined, note: `ports ${ports.join(', ')}` };
  });

  await step('deploy v1, rolling 2 at a time', async () => {
    const done = await deploy(api, operations, 'v1', { type: 'rolling', batch_size: 2, ...GATES });
    return { value: undefined, note: `${done.deploy_id} ${done.status}; instances answer ${await answered(ports)}` };
  });

  await step('v2 not admitted until CI evidence and a replay', async () => {
    await api.put(`/api/v1/services/${SERVICE}`, { ...spec, readiness: { required: REQUIRED_CHECKS, enforce: true } });
    const refused = await refusalOf(api.post('/api/v1/deployments', { service: SERVICE, version: 'v2' }));
    const missing = (refused.details.missing_checks as string[] | undefined)?.join(', ') ?? '?';
    const replays = [];
    for (const version of ['v2', 'v3']) {
      for (const check of REQUIRED_CHECKS.filter((c) => c !== 'replay')) {
        await api.post(`/api/v1/releases/${SERVICE}/${version}/evidence`, { check, passed: true, summary: `${check} passed in CI`, source: 'ci' });
      }
      replays.push(await replay(api, version));
    }
    const admitted = await Promise.all(['v2', 'v3'].map(async (v) => (await api.post(`/api/v1/releases/${SERVICE}/${v}/readiness/evaluate`)).admitted));
    if (admitted.some((a) => a !== true)) throw new Error(`v2, v3 admitted: ${admitted.join(', ')}`);
    return { value: undefined, note: `deploy v2 → ${refused.status} ${refused.code} (missing ${missing}); CI evidence + replay v2 (${replays[0]}) → v2, v3 admitted` };
  });

  await step('v2 on the canary channel, then promoted to stable', async () => {
    const started = performance.now();
    const canary = await api.post(`/api/v1/services/${SERVICE}/channels/canary/deploy`, { version: 'v2', reason: 'first look at v2' });
    expectStatus(await api.waitForDeployment(canary.deploy_id), 'succeeded');
    const during = await answered(ports);
    const promotion = await api.post(`/api/v1/services/${SERVICE}/channels/promote`, { from: 'canary', to: 'stable', reason: 'canary healthy, no P0/P1' });
    const done = await api.waitForDeployment(promotion.deploy_id);
    operations.push({ id: promotion.deploy_id, what: 'promote v2 (canary → stable)', status: done.status, ms: performance.now() - started });
    expectStatus(done, 'succeeded');
    return { value: undefined, note: `canary answers ${during}; promoted: ${done.status}, instances answer ${await answered(ports)}` };
  });

  await step('deploy v3: fails /check in its first batch', async () => {
    const done = await deploy(api, operations, 'v3', { type: 'rolling', batch_size: 2, ...GATES }, 'rolled_back');
    return { value: undefined, note: `${done.status} by itself: ${done.reason?.message ?? ''}; instances answer ${await answered(ports)}` };
  });

  await step('P0 paged for v3; which version serves a session', async () => {
    const p0 = await pollUntil('the P0 alert', async () => {
      const { alerts } = await api.get(`/api/v1/alerts?service=${SERVICE}&state=firing&severity=P0`);
      return (alerts as Array<{ name: string; deploy_id: string | null; current_version: string | null }>).find((a) => a.name === 'DeploymentRolledBack');
    }, { timeoutMs: 15_000 });
    const session = await api.post('/api/v1/sessions', { service: SERVICE, tenant_id: 'demo-tenant' });
    const ratio = /ferry_version_consistency_ratio\{service="hello"\} (\S+)/.exec(await api.text('/metrics'))?.[1] ?? '?';
    return { value: undefined, note: `${p0.name} for ${p0.deploy_id}; ${session.session_id} → ${session.runtime_version} on ${session.instance_id}; consistency ${ratio}` };
  });

  await step('one instance changed behind Ferry: detected, rebuilt', async () => {
    const port = ports[2]!;
    const id = instanceIdFor(SERVICE, HOST, port);
    const since = new Date().toISOString();
    fleet.tamperWithInstance(HOST, SERVICE, id, 'v1');
    const rebuilt = await pollUntil('the rebuild', async () => {
      const { events } = await api.get(`/api/v1/audit?service=${SERVICE}&type=instance_rebuilt&since=${encodeURIComponent(since)}`);
      return events.find((e: { instance_id: string }) => e.instance_id === id);
    }, { timeoutMs: 30_000 });
    const detected = (await api.get(`/api/v1/audit?service=${SERVICE}&type=version_mismatch_detected&since=${encodeURIComponent(since)}`)).events[0];
    return { value: rebuilt, note: `${id} answered ${detected?.details?.observed ?? '?'}, quarantined, rebuilt on v2; instances answer ${await answered(ports)}` };
  });

  await step('a viewer token reads but cannot deploy', async () => {
    const { token } = await api.post('/api/v1/tokens', { name: 'demo-viewer', role: 'viewer' });
    const viewer = new FerryApi(api.url, token);
    const env = (await viewer.get(`/api/v1/services/${SERVICE}`)).env;
    const refused = await refusalOf(viewer.post('/api/v1/deployments', { service: SERVICE, version: 'v1' }));
    return { value: undefined, note: `env shown as ${JSON.stringify(env)}; deploy → ${refused.status} ${refused.code}` };
  });

  await anyServiceStep(fleet, HOST, step);

  const balancer = await step('behind HAProxy: a rolling restart under 200 req/s', async () => behindHaproxy(api, spec, ports));
  try {
    await freezeAndRollBack(api, step, operations, ports, balancer);
  } finally {
    await balancer?.stop();
  }
  await summary(api, operations, say);
}

/**
 * Puts the service behind a real HAProxy (`retries 0`: no retry hides a lost request) and
 * restarts every instance under a steady load through it: Ferry drains each instance
 * before it stops and returns it once healthy, so no request fails. Skipped, with the
 * reason, on a machine without HAProxy.
 */
async function behindHaproxy(api: FerryApi, spec: object, ports: number[]): Promise<{ value: HaproxyProcess | null; note: string }> {
  const missing = haproxyMissing();
  if (missing !== undefined) return { value: null, note: `skipped: ${missing}` };
  const servers = ports.map((port) => ({ name: instanceIdFor(SERVICE, HOST, port), address: '127.0.0.1', port }));
  const haproxy = await startHaproxy({ servers, backend: SERVICE, socket: 'unix', checkIntervalMs: 500 });
  try {
    await api.put(`/api/v1/services/${SERVICE}`, { ...spec, drain_s: 5, traffic: { type: 'haproxy', socket: haproxy.socket, backend: SERVICE } });
    const load = startLoad({ url: `${haproxy.url}/version`, rate: LOAD_RATE });
    const { deploy_id } = await api.post('/api/v1/vm/rebootstrap', { service: SERVICE, mode: 'restart' });
    const done = await api.waitForDeployment(deploy_id);
    const report = await load.stop();
    expectStatus(done, 'succeeded');
    return { value: haproxy, note: `restart ${deploy_id} ${done.status}: ${report.sent} requests through HAProxy, ${report.failed} failed` };
  } catch (err) {
    await haproxy.stop();
    throw err;
  }
}

/** The freeze refuses a deploy; the one-click rollback still passes, and behind HAProxy it keeps serving. */
async function freezeAndRollBack(api: FerryApi, step: Step, operations: Operation[], ports: number[], balancer: HaproxyProcess | null): Promise<void> {
  await step('a freeze window refuses a deploy', async () => {
    const now = Date.now();
    const freeze = await api.post('/api/v1/freezes', { service: SERVICE, starts_at: new Date(now).toISOString(), ends_at: new Date(now + 3_600_000).toISOString(), reason: 'demo freeze' });
    const refused = await refusalOf(api.post('/api/v1/deployments', { service: SERVICE, version: 'v1' }));
    return { value: undefined, note: `${freeze.freeze_id} for an hour: deploy v1 → ${refused.status} ${refused.code}` };
  });

  await step('one-click rollback during the freeze', async () => {
    const started = performance.now();
    const load = balancer === null ? null : startLoad({ url: `${balancer.url}/version`, rate: LOAD_RATE });
    const rollback = await api.post(`/api/v1/services/${SERVICE}/rollback`, {});
    const done = await api.waitForRollback(rollback.rollback_id);
    const report = await load?.stop();
    operations.push({ id: rollback.rollback_id, what: `rollback to ${rollback.target_version}`, status: done.status, ms: performance.now() - started });
    expectStatus(done, 'succeeded');
    const served = report === undefined ? '' : `; through HAProxy ${report.sent} requests, ${report.failed} failed`;
    return { value: undefined, note: `${rollback.rollback_id} to ${rollback.target_version} (${rollback.target_reason ?? 'previous_version'}) ${done.status}; instances answer ${await answered(ports)}${served}` };
  });
}

/** Starts a staging replay of `version` and waits for its verdict; its one-line summary. */
async function replay(api: FerryApi, version: string): Promise<string> {
  const { replay_id } = await api.post(`/api/v1/releases/${SERVICE}/${version}/replay`);
  const done = await api.waitForReplay(replay_id);
  if (done.passed !== true) throw new Error(`replay of ${version} did not pass: ${done.summary}`);
  return done.summary as string;
}

async function deploy(api: FerryApi, operations: Operation[], version: string, strategy: object, expected = 'succeeded') {
  const started = performance.now();
  const { deploy_id } = await api.post('/api/v1/deployments', { service: SERVICE, version, strategy });
  const done = await api.waitForDeployment(deploy_id);
  operations.push({ id: deploy_id, what: `deploy ${version}`, status: done.status, ms: performance.now() - started });
  expectStatus(done, expected);
  return done;
}

function expectStatus(done: { status: string; reason?: { message?: string } | null }, expected: string): void {
  if (done.status !== expected) throw new Error(`ended ${done.status}, expected ${expected}: ${done.reason?.message ?? ''}`);
}

async function summary(api: FerryApi, operations: Operation[], say: (line: string) => void): Promise<void> {
  const versions = await api.get(`/api/v1/services/${SERVICE}/versions`);
  const { events } = await api.get(`/api/v1/audit?service=${SERVICE}`);
  const counts = new Map<string, number>();
  for (const e of events as Array<{ type: string }>) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  say('');
  say('operation                       id                  status       wall ms');
  for (const op of operations) say(`${op.what.padEnd(31)} ${op.id.padEnd(19)} ${op.status.padEnd(12)} ${String(Math.round(op.ms)).padStart(7)}`);
  say(`\nversions: desired ${versions.desired_version}, previous ${versions.previous_version ?? '-'}, running ${JSON.stringify(versions.version_summary)}, drifted ${versions.drift_count}`);
  say(`audit: ${events.length} events: ${[...counts].map(([type, n]) => `${type} ${n}`).join(', ')}`);
}

/** What the instances themselves answer on /version, e.g. "v2" or "v1×1 v2×5". */
async function answered(ports: number[]): Promise<string> {
  const versions = await Promise.all(ports.map(async (port) => ((await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as { version: string }).version));
  const counts = new Map<string, number>();
  for (const v of versions) counts.set(v, (counts.get(v) ?? 0) + 1);
  // Sorted by version, so the line reads the same whichever instance answered first.
  return counts.size === 1 ? versions[0]! : [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([v, n]) => `${v}×${n}`).join(' ');
}
