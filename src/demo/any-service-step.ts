/**
 * The demo's "any service" step: software nobody here wrote, with no /version endpoint.
 * http-server 14.0.0 and 14.1.1 as npm published them (Ferry's devDependencies, so
 * `npm ci` brought them), each laid out as a Node app with its node_modules and packaged
 * by `ferry package`'s builder, deployed on two instances and rolled to 14.1.1. The
 * version each instance runs is proven by `version_check: process`: the agent reads from
 * /proc that the listener on the port is the process it started, running from that
 * release's directory. The line prints the proof as the server recorded it.
 */
import type { LocalFleet } from '../local-fleet/local-fleet.js';
import { freePorts } from '../local-fleet/free-port.js';
import { packageRegistryApp, registryAppGreeting, registryAppMissing, REGISTRY_APP_START, REGISTRY_APP_VERSIONS } from '../local-fleet/registry-app.js';
import type { Step } from './demo-step.js';

/** The demo's second service, which `run-demo.ts` removes with the first. */
export const ANY_SERVICE = 'web';
const INSTANCES = 2;

export async function anyServiceStep(fleet: LocalFleet, host: string, step: Step): Promise<void> {
  const [from, to] = REGISTRY_APP_VERSIONS;
  await step(`any service: http-server ${from} → ${to} from npm, no /version`, async () => {
    const missing = registryAppMissing();
    if (missing !== undefined) return { value: undefined, note: `skipped: ${missing}` };
    const api = fleet.api;
    let entries = 0;
    for (const version of REGISTRY_APP_VERSIONS) {
      const pkg = await packageRegistryApp(fleet.dir, ANY_SERVICE, version);
      await api.post('/api/v1/releases', { service: ANY_SERVICE, version, package_url: pkg.package_url, sha256: pkg.sha256 });
      entries = pkg.entries;
    }
    const ports = await freePorts(INSTANCES);
    await api.put(`/api/v1/services/${ANY_SERVICE}`, {
      start: REGISTRY_APP_START,
      health_path: '/',
      version_check: { type: 'process' },
      verify: [{ path: '/', body_contains: 'served by http-server' }],
      drain_s: 0,
      instances: ports.map((port) => ({ host, port })),
    });
    // The first version on every instance at once, the second one instance at a time.
    const strategies = [{ type: 'all_at_once' }, { type: 'rolling', batch_size: 1, min_healthy_time_s: 0.5 }];
    for (const [i, version] of REGISTRY_APP_VERSIONS.entries()) {
      const { deploy_id } = await api.post('/api/v1/deployments', { service: ANY_SERVICE, version, strategy: strategies[i] });
      const done = await api.waitForDeployment(deploy_id);
      if (done.status !== 'succeeded') throw new Error(`deploy ${ANY_SERVICE} ${version} ended ${done.status}: ${done.reason?.message ?? ''}`);
    }
    const versions = await api.get(`/api/v1/services/${ANY_SERVICE}/versions`);
    const sources = (versions.instances as Array<{ version_source?: { type: string; detail: string } | null }>).map((i) => i.version_source);
    if (sources.some((s) => s?.type !== 'process')) throw new Error(`versions not proven by process: ${JSON.stringify(sources)}`);
    const pages = await Promise.all(ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/`)).text()));
    const serving = pages.filter((page) => page.includes(registryAppGreeting(to))).length;
    return {
      value: undefined,
      note: `${entries} files a package; running ${JSON.stringify(versions.version_summary)}, ${serving}/${INSTANCES} pages say ${to}; proven by process: ${sources[0]?.detail ?? '?'}`,
    };
  });
}
