/**
 * `ferry demo` / `npm run demo`: Ferry's main job end to end on the embedded default.
 * A real server on a temporary SQLite store, one local agent, three hello-service
 * instances as real processes: package, register and deploy v1, show what a viewer token
 * may do, deploy v2, roll back to v1, each step timed and checked against what the instances themselves answer.
 * Exits 0 and leaves no process behind.
 */
import { FerryApi, refusalOf } from '../local-fleet/ferry-api.js';
import { freePorts } from '../local-fleet/free-port.js';
import { packageHello, type HelloPackage } from '../local-fleet/hello-packages.js';
import { LocalFleet } from '../local-fleet/local-fleet.js';

const SERVICE = 'hello';
const HOST = 'local';

export async function runDemo(): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const step = timedSteps(say);
  say('Ferry demo: one server (SQLite), one agent, three hello-service instances on 127.0.0.1\n');
  const fleet = await step('start ferry server and agent', async () => {
    const started = await LocalFleet.start({ hosts: [HOST] });
    return { value: started, note: `server ${started.server.url}, agent "${HOST}"` };
  });
  try {
    await story(fleet, step, say);
    say('\nDone: every instance was verified on its version by its own /version probe.');
    return 0;
  } catch (err) {
    say(`\nDemo failed: ${(err as Error).message}\nserver log: ${fleet.server.logFile}`);
    return 1;
  } finally {
    await step('stop instances, agent and server', async () => {
      await fleet.stop([SERVICE]);
      return { value: undefined, note: 'no process left behind' };
    });
  }
}

type Step = <T>(title: string, run: () => Promise<{ value: T; note: string }>) => Promise<T>;

async function story(fleet: LocalFleet, step: Step, say: (line: string) => void): Promise<void> {
  const api = fleet.api;
  const [v1, v2] = await step('package hello-service v1 and v2', async () => {
    const built = [await packageHello(fleet.dir, SERVICE, 'v1'), await packageHello(fleet.dir, SERVICE, 'v2')];
    return { value: built, note: built.map((p) => `${p.version} sha256 ${p.sha256.slice(0, 12)}…`).join(', ') };
  });
  await step('register releases v1 and v2', async () => {
    for (const pkg of [v1!, v2!]) await api.post('/api/v1/releases', { service: SERVICE, version: pkg.version, package_url: pkg.package_url, sha256: pkg.sha256 });
    return { value: undefined, note: 'immutable: service + version + sha256' };
  });
  const ports = await freePorts(3);
  await step('declare service hello with 3 instances', async () => {
    await api.put(`/api/v1/services/${SERVICE}`, { start: 'node server.js', env: { GREETING_SECRET: 'only-admins-see-this' }, instances: ports.map((port) => ({ host: HOST, port })) });
    return { value: undefined, note: `ports ${ports.join(', ')}` };
  });
  await deployAndCheck(api, step, v1!, ports);
  await step('a viewer token reads but cannot deploy', async () => {
    const { token } = await api.post('/api/v1/tokens', { name: 'demo-viewer', role: 'viewer' });
    const viewer = new FerryApi(api.url, token);
    const env = (await viewer.get(`/api/v1/services/${SERVICE}`)).env;
    const refused = await refusalOf(viewer.post('/api/v1/deployments', { service: SERVICE, version: v2!.version }));
    return { value: undefined, note: `env shown as ${JSON.stringify(env)}; deploy → ${refused.status} ${refused.code}` };
  });
  await deployAndCheck(api, step, v2!, ports);
  await step('one-click rollback to the previous version (v1)', async () => {
    const rollback = await api.post(`/api/v1/services/${SERVICE}/rollback`, {});
    const done = await api.waitForRollback(rollback.rollback_id);
    if (done.status !== 'succeeded') throw new Error(`rollback ended ${done.status}: ${done.reason?.message ?? ''}`);
    return { value: undefined, note: `${rollback.rollback_id} ${done.status}; instances answer ${await answeredVersions(ports)}` };
  });
  const versions = await api.get(`/api/v1/services/${SERVICE}/versions`);
  say(`\nversions: desired ${versions.desired_version}, summary ${JSON.stringify(versions.version_summary)}, drift ${versions.drift_count}`);
  const audit = await api.get(`/api/v1/audit?service=${SERVICE}`);
  say(`audit: ${audit.events.length} events (${[...new Set(audit.events.map((e: { type: string }) => e.type))].join(', ')})`);
}

async function deployAndCheck(api: FerryApi, step: Step, pkg: HelloPackage, ports: number[]): Promise<void> {
  await step(`deploy ${pkg.version} to every instance (all at once)`, async () => {
    const { deploy_id } = await api.post('/api/v1/deployments', { service: SERVICE, version: pkg.version, strategy: { type: 'all_at_once' } });
    const done = await api.waitForDeployment(deploy_id);
    if (done.status !== 'succeeded') throw new Error(`deployment ${deploy_id} ended ${done.status}: ${done.reason?.message ?? ''}`);
    const answered = await answeredVersions(ports);
    if (answered !== pkg.version) throw new Error(`instances answer ${answered}, expected ${pkg.version}`);
    return { value: undefined, note: `${deploy_id} ${done.status}; instances answer ${answered}` };
  });
}

/** What the instances themselves answer on /version, e.g. "v2" or "v1,v2". */
async function answeredVersions(ports: number[]): Promise<string> {
  const versions = await Promise.all(
    ports.map(async (port) => ((await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as { version: string }).version),
  );
  return [...new Set(versions)].join(',');
}

function timedSteps(say: (line: string) => void): Step {
  let n = 0;
  return async (title, run) => {
    n += 1;
    const started = performance.now();
    const { value, note } = await run();
    const ms = Math.round(performance.now() - started);
    say(`${String(n).padStart(2)}. ${title.padEnd(50)} ${String(ms).padStart(6)} ms  ${note}`);
    return value;
  };
}
