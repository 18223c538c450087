/**
 * Shared by the benchmarks (not a benchmark itself): a service (`hello` unless named) with
 * INSTANCES instances on the fleet's `bench` host, releases v1 and v2 registered, and v1
 * unpacked beside it for measuring the floor without Ferry. `behaviour` goes into both
 * packages (see examples/hello-service/server.js), so the floor's process behaves the same.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar';
import { freePorts } from '../../dist/local-fleet/free-port.js';
import { packageHello } from '../../dist/local-fleet/hello-packages.js';

export async function declareHello(fleet, instances, strategy, { service = 'hello', behaviour } = {}) {
  const options = behaviour === undefined ? {} : { behaviour };
  const [v1, v2] = [await packageHello(fleet.dir, service, 'v1', options), await packageHello(fleet.dir, service, 'v2', options)];
  const unpacked = join(fleet.dir, `floor-${service}`);
  mkdirSync(unpacked);
  await extract({ file: v1.tarball, cwd: unpacked });
  for (const p of [v1, v2]) await fleet.api.post('/api/v1/releases', { service, version: p.version, package_url: p.package_url, sha256: p.sha256 });
  const ports = await freePorts(instances);
  await fleet.api.put(`/api/v1/services/${service}`, { start: 'node server.js', instances: ports.map((port) => ({ host: 'bench', port })), strategy });
  return { v1, v2, unpacked, ports };
}

/** Deploys `version` to the whole service and waits; throws unless it succeeded. Returns the ms it took. */
export async function deployHello(fleet, version, service = 'hello') {
  const started = performance.now();
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service, version });
  const done = await fleet.api.waitForDeployment(deploy_id);
  const ms = performance.now() - started;
  if (done.status !== 'succeeded') throw new Error(`deployment ${deploy_id} of ${version} ended ${done.status}: ${JSON.stringify(done.reason)}`);
  return ms;
}
