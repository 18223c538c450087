#!/usr/bin/env node
/**
 * Benchmark (issue: foundation): deploying 3 local instances all at once must take at
 * most the instances' own start-and-ready time plus 500 ms of Ferry overhead, median
 * of 5 runs. The floor is measured in the same run: the same package, unpacked, started
 * three at a time with plain `node server.js` and polled until /healthz answers.
 * Prints one JSON object. Needs a build (`npm ci` runs it).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar';
import { freePorts } from '../dist/local-fleet/free-port.js';
import { packageHello } from '../dist/local-fleet/hello-packages.js';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { instanceLikeEnv } from './lib/instance-floor.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const INSTANCES = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitReady(port) {
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Spawn-to-ready of INSTANCES plain processes started together, and their stop time. */
async function floorOnce(dir) {
  const ports = await freePorts(INSTANCES);
  const started = performance.now();
  const children = ports.map((port) => spawn(process.execPath, ['server.js'], { cwd: dir, env: instanceLikeEnv(port), stdio: 'ignore' }));
  await Promise.all(ports.map(waitReady));
  const ready = performance.now() - started;
  const stopStarted = performance.now();
  await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
  return { ready, stop: performance.now() - stopStarted };
}

const fleet = await LocalFleet.start({ hosts: ['bench'] });
try {
  const packages = [await packageHello(fleet.dir, 'hello', 'b1'), await packageHello(fleet.dir, 'hello', 'b2')];
  const unpacked = join(fleet.dir, 'floor');
  mkdirSync(unpacked);
  await extract({ file: packages[0].tarball, cwd: unpacked });
  for (const p of packages) await fleet.api.post('/api/v1/releases', { service: 'hello', version: p.version, package_url: p.package_url, sha256: p.sha256 });
  const ports = await freePorts(INSTANCES);
  await fleet.api.put('/api/v1/services/hello', { start: 'node server.js', instances: ports.map((port) => ({ host: 'bench', port })) });

  const floors = [];
  const deploys = [];
  // Warm-up: the first deployment of each version also downloads and unpacks it.
  for (const p of packages) await deployOnce(p.version);
  for (let i = 0; i < RUNS; i++) {
    floors.push(await floorOnce(unpacked));
    deploys.push(await deployOnce(packages[i % 2 === 0 ? 0 : 1].version));
  }
  const floorReady = median(floors.map((f) => f.ready));
  const floorStop = median(floors.map((f) => f.stop));
  const deploy = median(deploys);
  const overhead = deploy - floorReady;
  console.log(JSON.stringify({
    benchmark: 'deploy_all_at_once_3_instances',
    runs: RUNS,
    instances_spawn_to_ready_ms_median: round(floorReady),
    instances_stop_ms_median: round(floorStop),
    ferry_deploy_ms_median: round(deploy),
    ferry_deploy_ms_all: deploys.map(round),
    ferry_overhead_ms_median: round(overhead),
    budget_overhead_ms: 500,
    within_budget: overhead <= 500,
  }, null, 2));
} finally {
  await fleet.stop(['hello']);
}

async function deployOnce(version) {
  const started = performance.now();
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: 'hello', version, strategy: { type: 'all_at_once' } });
  const done = await fleet.api.waitForDeployment(deploy_id);
  if (done.status !== 'succeeded') throw new Error(`deployment ${deploy_id} ended ${done.status}: ${JSON.stringify(done.reason)}`);
  return performance.now() - started;
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}
