/**
 * Software nobody here wrote, end to end: a real server, agent and instances. `web` is
 * http-server as published on npm (14.0.0 and 14.1.1, each packaged with its node_modules
 * by `ferry package`'s builder), which has no /version endpoint: its version is proven by
 * `version_check: process` (the listener on the port is the process the agent started,
 * running from `releases/<version>/`). It rolls 14.0.0 → 14.1.1 one at a time, verified
 * against its real `/` page, then a one-click `ferry rollback` returns it to 14.0.0.
 * `static` is Python's `http.server` serving a release of plain files, proven the same way.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceIdFor } from '../../src/core/names.js';
import { runFerryProcess } from '../../src/local-fleet/ferry-processes.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { packageRegistryApp, registryAppGreeting, REGISTRY_APP_START, REGISTRY_APP_VERSIONS } from '../../src/local-fleet/registry-app.js';
import { buildPackage } from '../../src/packaging/build-package.js';

const HOST = 'local';
const WEB = 'web';
const STATIC = 'static';
const [OLD, NEW] = REGISTRY_APP_VERSIONS;
const GATES = { min_healthy_time_s: 0.5 };
let fleet: LocalFleet;
let webPorts: number[];
let staticPorts: number[];

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: [HOST], env: { FERRY_HEARTBEAT_S: '1' } });
  [webPorts, staticPorts] = [await freePorts(3), await freePorts(2)];
  for (const version of REGISTRY_APP_VERSIONS) {
    const pkg = await packageRegistryApp(fleet.dir, WEB, version);
    await fleet.api.post('/api/v1/releases', { service: WEB, version, package_url: pkg.package_url, sha256: pkg.sha256 });
  }
  await fleet.api.put(`/api/v1/services/${WEB}`, {
    start: REGISTRY_APP_START,
    health_path: '/',
    version_check: { type: 'process' },
    // Its real pages: the index names the app, an unknown path is http-server's own 404.
    verify: [{ path: '/', body_contains: 'served by http-server' }, { path: '/no-such-page.html', expect_status: 404 }],
    drain_s: 0,
    instances: webPorts.map((port) => ({ host: HOST, port })),
  });
  const site = await packageStaticSite('1.0.0');
  await fleet.api.post('/api/v1/releases', { service: STATIC, version: '1.0.0', ...site });
  await fleet.api.put(`/api/v1/services/${STATIC}`, {
    start: 'python3 -m http.server $PORT --bind 127.0.0.1',
    health_path: '/',
    version_check: { type: 'process' },
    verify: [{ path: '/', body_contains: 'static site 1.0.0' }],
    drain_s: 0,
    instances: staticPorts.map((port) => ({ host: HOST, port })),
  });
}, 60_000);

afterAll(async () => {
  await fleet?.stop([WEB, STATIC]);
}, 60_000);

/** A release of plain files, as a person would package a static site. */
async function packageStaticSite(version: string): Promise<{ package_url: string; sha256: string }> {
  const dir = mkdtempSync(join(fleet.dir, 'site-'));
  mkdirSync(join(dir, 'css'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html>\n<p>static site ${version}</p>\n`);
  writeFileSync(join(dir, 'css', 'site.css'), 'p { color: teal; }\n');
  const built = await buildPackage({ dir, service: STATIC, version, gitSha: null, outDir: fleet.dir, now: new Date() });
  if (!built.ok) throw new Error(built.message);
  return { package_url: pathToFileURL(built.tarball).href, sha256: built.sha256 };
}

async function deploy(service: string, version: string, strategy: object): Promise<void> {
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service, version, strategy });
  const done = await fleet.api.waitForDeployment(deploy_id, 60_000);
  expect([done.status, done.reason?.message ?? null], `${service} ${version}`).toEqual(['succeeded', null]);
}

/** What each instance's own `/` page says, in port order. */
function pages(ports: number[]): Promise<string[]> {
  return Promise.all(ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/`)).text()));
}

/** GET …/versions: the summary, and each instance's version with how it was proven. */
async function provenVersions(service: string): Promise<{ summary: Record<string, number>; instances: Array<{ instance_id: string; version: string; source: string | null; detail: string }> }> {
  const answer = await fleet.api.get(`/api/v1/services/${service}/versions`);
  return {
    summary: answer.version_summary,
    instances: answer.instances.map((i: any) => ({ instance_id: i.instance_id, version: i.version, source: i.version_source?.type ?? null, detail: i.version_source?.detail ?? '' })),
  };
}

describe('software nobody here wrote', () => {
  it(`rolls http-server ${OLD} → ${NEW} one at a time, each version proven by its process, each page served`, async () => {
    await deploy(WEB, OLD, { type: 'all_at_once' });
    for (const page of await pages(webPorts)) expect(page).toContain(registryAppGreeting(OLD));

    await deploy(WEB, NEW, { type: 'rolling', batch_size: 1, ...GATES });
    const proven = await provenVersions(WEB);
    expect(proven.summary).toEqual({ [NEW]: 3 });
    expect(proven.instances.map((i) => i.instance_id).sort()).toEqual(webPorts.map((p) => instanceIdFor(WEB, HOST, p)).sort());
    for (const instance of proven.instances) {
      expect([instance.version, instance.source], instance.instance_id).toEqual([NEW, 'process']);
      expect(instance.detail, instance.instance_id).toContain(`releases/${NEW}`);
    }
    for (const page of await pages(webPorts)) expect(page).toContain(registryAppGreeting(NEW));
  });

  it(`returns every instance to ${OLD} with one ferry rollback`, async () => {
    const rollback = await runFerryProcess(['rollback', WEB, '--wait', '--server', fleet.server.url], { FERRY_TOKEN: fleet.token });
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain(`rolling ${WEB} back to ${OLD}`);
    const proven = await provenVersions(WEB);
    expect(proven.summary).toEqual({ [OLD]: 3 });
    for (const instance of proven.instances) expect([instance.version, instance.source], instance.instance_id).toEqual([OLD, 'process']);
    for (const page of await pages(webPorts)) expect(page).toContain(registryAppGreeting(OLD));
  });

  it("deploys Python's http.server serving a static release, proven by its process", async () => {
    await deploy(STATIC, '1.0.0', { type: 'all_at_once' });
    const proven = await provenVersions(STATIC);
    expect(proven.summary).toEqual({ '1.0.0': 2 });
    for (const instance of proven.instances) expect([instance.version, instance.source], instance.instance_id).toEqual(['1.0.0', 'process']);
    for (const page of await pages(staticPorts)) expect(page).toContain('static site 1.0.0');
    const css = await fetch(`http://127.0.0.1:${staticPorts[0]}/css/site.css`);
    expect([css.status, await css.text()]).toEqual([200, 'p { color: teal; }\n']);
  });
});
