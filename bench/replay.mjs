#!/usr/bin/env node
/**
 * Benchmark: a staging replay of 200 recorded `GET /api/items` requests against 3 local
 * hello-service instances (the candidate's ephemeral staging instance and 2 instances of
 * the desired version). Target: from "staging ready" to the stored result at most
 * 2000 ms, median of BENCH_RUNS (default 3). The staging start (POST until the agent
 * reports it ready: install from the kept package, spawn, health) is reported separately,
 * as is the whole wall time from POST to the result. Figures come from the replay's own
 * `replay_completed` audit event (`staging_ready_ms`, `compare_ms`). Needs a build.
 */
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { freePorts } from '../dist/local-fleet/free-port.js';
import { packageHello } from '../dist/local-fleet/hello-packages.js';
import { median, round, stopOnSignal } from './lib/instance-floor.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REQUESTS = 200;
const TARGET_MS = 2000;

const fleet = await LocalFleet.start({ hosts: ['bench'] });
const stopFleet = stopOnSignal(() => fleet.stop(['hello']));
try {
  const versions = ['v1', ...Array.from({ length: RUNS }, (_, i) => `c${i + 1}`)];
  for (const version of versions) {
    const p = await packageHello(fleet.dir, 'hello', version);
    await fleet.api.post('/api/v1/releases', { service: 'hello', version, package_url: p.package_url, sha256: p.sha256 });
  }
  const requests = Array.from({ length: REQUESTS }, (_, i) => ({ method: 'GET', path: `/api/items?q=r${i}` }));
  const ports = await freePorts(2);
  await fleet.api.put('/api/v1/services/hello', { start: 'node server.js', instances: ports.map((port) => ({ host: 'bench', port })), replay: { requests, ignore: ['/version'] } });
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: 'hello', version: 'v1', strategy: { type: 'all_at_once' } });
  const deployed = await fleet.api.waitForDeployment(deploy_id);
  if (deployed.status !== 'succeeded') throw new Error(`deployment of v1 ended ${deployed.status}`);

  const runs = [];
  for (const version of versions.slice(1)) runs.push(await replayOnce(version));
  const med = median(runs.map((r) => r.ready_to_result_ms));
  console.log(JSON.stringify({
    benchmark: 'staging_replay_200_requests',
    requests: REQUESTS,
    instances: 3,
    ready_to_result_ms: runs.map((r) => round(r.ready_to_result_ms)),
    median_ready_to_result_ms: round(med),
    staging_start_ms: runs.map((r) => round(r.staging_start_ms)),
    median_staging_start_ms: round(median(runs.map((r) => r.staging_start_ms))),
    wall_ms: runs.map((r) => round(r.wall_ms)),
    noise_filtered: runs.map((r) => r.noise_filtered),
    target_ms: TARGET_MS,
    ok: med <= TARGET_MS && runs.every((r) => r.passed),
  }, null, 2));
} finally {
  await stopFleet();
}

async function replayOnce(version) {
  const started = performance.now();
  const { replay_id } = await fleet.api.post(`/api/v1/releases/hello/${version}/replay`);
  let replay;
  for (;;) {
    replay = await fleet.api.get(`/api/v1/replays/${replay_id}`);
    if (replay.status !== 'running') break;
    if (performance.now() - started > 120_000) throw new Error(`replay ${replay_id} still running after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const wall = performance.now() - started;
  if (replay.status !== 'completed') throw new Error(`replay ${replay_id} ended ${replay.status}: ${JSON.stringify(replay.reason)}`);
  const { events } = await fleet.api.get('/api/v1/audit?service=hello&type=replay_completed');
  const event = events.find((e) => e.details.replay_id === replay_id);
  return { ready_to_result_ms: event.details.compare_ms, staging_start_ms: event.details.staging_ready_ms, wall_ms: wall, passed: replay.passed, noise_filtered: replay.noise_filtered };
}
