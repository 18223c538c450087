#!/usr/bin/env node
/**
 * Benchmark (zero-downtime traffic, issue 13): how many requests a rollout loses, and how
 * long it takes, under a fixed 400 req/s open-loop load on loopback (16 keep-alive
 * connections, each request with a 2 s deadline; the load generator of the e2e tests,
 * src/testing/load-generator.ts). Side by side in one run, on the same subject: the
 * hello-service waiting 200 ms before it listens (`{"start_delay_ms": 200}`), 8 instances.
 *
 * - `pm2_reload`: `pm2 reload` of 8 cluster workers of the unpacked package, the load
 *   sent straight to pm2's shared port (pm2 replaces one worker at a time).
 * - `ferry_haproxy_rolling`: `ferry deploy hello vX --strategy rolling/batch 2 --wait`
 *   behind a real HAProxy (`retries 0`, so no retry hides a lost request), the service's
 *   `traffic` pointing Ferry at its runtime API. Target: 0 failed requests. Its wall time
 *   is compared with pm2's (`ratio_to_pm2`), which drains nothing.
 * - `ferry_haproxy_rollback`: `ferry rollback hello --wait` right after, the same way.
 *   Target: 0 failed requests and a wall time no longer than the rolling one's.
 * - `bad_canary`: a weight-10 canary of a release answering 20% of its traffic with 500
 *   (`error_rate` 0.2), judged by the `haproxy` analysis provider at interval_s 5; target:
 *   rolled back within 2 intervals of HAProxy first sending it traffic (lib/bad-canary.mjs).
 *   A server built without the analysis runner gets `measured: false` and why.
 *
 * Wall times are from spawn to exit of the command; failed requests are counted from
 * just before the command starts to just after it exits. BENCH_RUNS (default 3) runs of
 * each, after one untimed warm-up of each (Ferry's installs v2 on every instance).
 * Prints one JSON object. Needs a build; skips with an error field when haproxy is absent.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instanceIdFor } from '../dist/core/names.js';
import { freePorts } from '../dist/local-fleet/free-port.js';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { pollUntil } from '../dist/local-fleet/poll-until.js';
import { readServerStats } from '../dist/server/traffic/haproxy-runtime-api.js';
import { declareHello, deployHello } from './lib/hello-fleet.mjs';
import { median, round, stopOnSignal } from './lib/instance-floor.mjs';
import { analysisAvailable, measureBadCanary } from './lib/bad-canary.mjs';
import { installPm2, killPm2 } from './lib/pm2.mjs';
import { compileTestingModules } from './lib/testing-modules.mjs';

const NAME = 'zero_downtime_8';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INSTANCES = 8;
const RATE = 400;
const LOAD = { rate: RATE, connections: 16, timeoutMs: 2000 };
const BEHAVIOUR = { start_delay_ms: 200 };
const STRATEGY = { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 };
/** HAProxy tells Ferry the connection count, so a drain ends when it reaches 0; this is only its ceiling. */
const DRAIN_S = 2;
const ANALYSIS_INTERVAL_S = 5;
const FERRY = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ferry');

/** Runs a command to its exit; a non-zero exit is an error, not a figure. */
function run(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...opts, env: { ...process.env, ...opts.env }, timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`.slice(0, 4000)));
      else resolve();
    });
  });
}

/** The command's wall time, and what the load through `url` saw while it ran. */
async function underLoad(startLoad, url, command) {
  const load = startLoad({ ...LOAD, url });
  const started = performance.now();
  // The load is stopped whatever the command does, so a failing run leaves no timer behind.
  const failure = await command().then(() => null, (error) => error);
  const wallMs = performance.now() - started;
  const report = await load.stop();
  if (failure !== null) throw failure;
  return { wallMs, report };
}

/** One side's runs as figures: failed requests and wall times, with their medians. */
function figures(runs) {
  const failures = {};
  for (const { report } of runs) for (const [reason, n] of Object.entries(report.failures)) failures[reason] = (failures[reason] ?? 0) + n;
  return {
    failed_requests: { total: runs.reduce((n, r) => n + r.report.failed, 0), runs: runs.map((r) => r.report.failed) },
    failures_by_reason: failures,
    requests_sent: runs.map((r) => r.report.sent),
    wall_ms: { median: round(median(runs.map((r) => r.wallMs))), runs: runs.map((r) => round(r.wallMs)) },
    first_failures: runs.flatMap((r) => r.report.firstFailures).slice(0, 3).map((f) => ({ ...f, detail: f.detail.replace(/\s+/g, ' ').slice(0, 120) })),
  };
}

const scratch = mkdtempSync(join(tmpdir(), 'ferry-bench-zdt-'));
const load = compileTestingModules(scratch, ['testing/load-generator.ts', 'testing/haproxy-process.ts']);
const { startLoad } = await load('testing/load-generator.ts');
const { haproxyMissing, startHaproxy } = await load('testing/haproxy-process.ts');
const missing = haproxyMissing();
const pm2 = installPm2(scratch);
if (missing !== undefined || pm2.bin === null) {
  rmSync(scratch, { recursive: true, force: true });
  console.log(JSON.stringify({ benchmark: NAME, error: missing ?? pm2.why }));
  process.exit(1);
}

const fleet = await LocalFleet.start({ hosts: ['bench'], env: { FERRY_PROBE_INTERVAL_MS: '1000' } });
let haproxy;
const stopAll = stopOnSignal(async () => {
  killPm2(pm2);
  await fleet.stop(['hello']);
  await haproxy?.stop();
  rmSync(scratch, { recursive: true, force: true });
});
try {
  const { unpacked, ports } = await declareHello(fleet, INSTANCES, STRATEGY, { behaviour: BEHAVIOUR });
  haproxy = await startHaproxy({ servers: ports.map((port) => ({ name: instanceIdFor('hello', 'bench', port), address: '127.0.0.1', port })), socket: 'unix', retries: 0 });
  const traffic = { type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend };
  const spec = { start: 'node server.js', instances: ports.map((port) => ({ host: 'bench', port })), strategy: STRATEGY, traffic, drain_s: DRAIN_S };
  await fleet.api.put('/api/v1/services/hello', spec);
  await deployHello(fleet, 'v1');
  await pollUntil('HAProxy to see all 8 servers UP', async () => {
    const stats = await readServerStats(haproxy.socket, haproxy.backend, { timeoutMs: 1000 });
    return stats.length === INSTANCES && stats.every((s) => s.status === 'UP') ? true : undefined;
  });

  const [pm2Port] = await freePorts(1);
  const pm2Opts = { cwd: unpacked, env: { ...pm2.env, PORT: String(pm2Port) } };
  await run(pm2.bin, ['start', 'server.js', '--name', 'hello8', '-i', String(INSTANCES)], pm2Opts);
  await pollUntil('pm2 workers to answer', async () => ((await fetch(`http://127.0.0.1:${pm2Port}/healthz`).catch(() => undefined))?.ok ? true : undefined));

  const ferryEnv = { env: { FERRY_SERVER: fleet.server.url, FERRY_TOKEN: fleet.token } };
  const ferryRoll = (version) => run(process.execPath, [FERRY, 'deploy', 'hello', version, '--strategy', JSON.stringify(STRATEGY), '--wait'], ferryEnv);
  const ferryRollback = () => run(process.execPath, [FERRY, 'rollback', 'hello', '--wait'], ferryEnv);
  const pm2Reload = () => run(pm2.bin, ['reload', 'hello8'], pm2Opts);
  // Warm-up, untimed: every instance installs v2 once; pm2's daemon settles.
  await ferryRoll('v2');
  await ferryRollback();
  await pm2Reload();

  const pm2Runs = [];
  const rollingRuns = [];
  const rollbackRuns = [];
  const throughHaproxy = `${haproxy.url}/api/items?q=bench`;
  for (let i = 0; i < RUNS; i++) {
    pm2Runs.push(await underLoad(startLoad, `http://127.0.0.1:${pm2Port}/api/items?q=bench`, pm2Reload));
    rollingRuns.push(await underLoad(startLoad, throughHaproxy, () => ferryRoll('v2')));
    rollbackRuns.push(await underLoad(startLoad, throughHaproxy, ferryRollback));
  }
  killPm2(pm2);
  const badCanary = (await analysisAvailable(fleet.api))
    ? await measureBadCanary({
        fleet,
        haproxy,
        spec,
        portsByServer: new Map(ports.map((port) => [instanceIdFor('hello', 'bench', port), port])),
        startLoad,
        loadOptions: { ...LOAD, url: throughHaproxy },
        behaviour: BEHAVIOUR,
        intervalS: ANALYSIS_INTERVAL_S,
      })
    : { measured: false, why: 'this build has no analysis runner (GET /api/v1/deployments/{id}/analysis is not served)' };
  const pm2Figures = figures(pm2Runs);
  const rolling = figures(rollingRuns);
  const rollback = figures(rollbackRuns);
  const ratio = rolling.wall_ms.median / pm2Figures.wall_ms.median;
  const rollbackNoLonger = rollback.wall_ms.median <= rolling.wall_ms.median;
  console.log(JSON.stringify({
    benchmark: NAME,
    instances: INSTANCES,
    strategy: STRATEGY,
    behaviour: BEHAVIOUR,
    load: { rate_per_s: RATE, connections: LOAD.connections, request_timeout_ms: LOAD.timeoutMs },
    drain_s: DRAIN_S,
    runs: RUNS,
    pm2_reload: pm2Figures,
    ferry_haproxy_rolling: { ...rolling, ratio_to_pm2: Math.round(ratio * 1000) / 1000, target_failed_requests: 0 },
    ferry_haproxy_rollback: { ...rollback, no_longer_than_rolling: rollbackNoLonger, target_failed_requests: 0 },
    bad_canary: badCanary,
    ok: rolling.failed_requests.total === 0 && rollback.failed_requests.total === 0 && rollbackNoLonger && (!badCanary.measured || badCanary.ok),
    load_average_1m: Math.round(loadavg()[0] * 100) / 100,
  }, null, 2));
} finally {
  await stopAll();
}
