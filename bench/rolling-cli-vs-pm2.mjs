#!/usr/bin/env node
/**
 * Benchmark (operator experience issue): a rolling deployment of 8 instances in batches
 * of 2, timed as an operator runs it: the whole `ferry deploy hello vX --strategy … --wait`
 * command, from spawn to exit, CLI start-up included. The reference, in the same run and
 * on the same app: `pm2 reload` of 8 cluster workers of the unpacked hello-service (pm2
 * installed into this benchmark's scratch folder). Target: Ferry ≤ 0.75× pm2.
 *
 * Both sides run alternately, BENCH_RUNS (default 5) times each, after one untimed warm-up
 * each; Ferry alternates v2 and v1. The strategy has no minimum healthy time
 * (`min_healthy_time_s: 0`), as pm2 waits for each worker's `listening` and no longer.
 * Ferry still checks each instance's /healthz and its own /version answer. pm2 replaces
 * one worker at a time, Ferry two: that is the comparison the issue asks for.
 * Prints one JSON object. Needs a build.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../dist/local-fleet/free-port.js';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { declareHello, deployHello } from './lib/hello-fleet.mjs';
import { median, round, stopOnSignal } from './lib/instance-floor.mjs';
import { installPm2, killPm2 } from './lib/pm2.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const INSTANCES = 8;
const STRATEGY = { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 };
const TARGET_RATIO = 0.75;
const FERRY = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ferry');

/** Wall time of one command from spawn to exit; a non-zero exit is an error, not a figure. */
function timed(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(command, args, { ...opts, env: { ...process.env, ...opts.env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(performance.now() - started);
    });
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'ferry-bench-pm2-'));
const pm2 = installPm2(scratch);
if (pm2.bin === null) {
  console.log(JSON.stringify({ benchmark: 'rolling_8_cli_vs_pm2_reload', error: pm2.why }));
  process.exit(1);
}
const fleet = await LocalFleet.start({ hosts: ['bench'], env: { FERRY_PROBE_INTERVAL_MS: '1000' } });
const stopAll = stopOnSignal(async () => {
  killPm2(pm2);
  await fleet.stop(['hello']);
  rmSync(scratch, { recursive: true, force: true });
});
try {
  const { unpacked } = await declareHello(fleet, INSTANCES, STRATEGY);
  await deployHello(fleet, 'v1');
  const [pm2Port] = await freePorts(1);
  const pm2Opts = { cwd: unpacked, env: { ...pm2.env, PORT: String(pm2Port) } };
  await timed(pm2.bin, ['start', 'server.js', '--name', 'hello8', '-i', String(INSTANCES)], pm2Opts);
  const ferryEnv = { FERRY_SERVER: fleet.server.url, FERRY_TOKEN: fleet.token };
  const ferryDeploy = (version) => timed(process.execPath, [FERRY, 'deploy', 'hello', version, '--strategy', JSON.stringify(STRATEGY), '--wait'], { env: ferryEnv });
  const pm2Reload = () => timed(pm2.bin, ['reload', 'hello8'], pm2Opts);
  await ferryDeploy('v2');
  await pm2Reload();
  const ferryMs = [];
  const pm2Ms = [];
  for (let i = 0; i < RUNS; i++) {
    ferryMs.push(await ferryDeploy(i % 2 === 0 ? 'v1' : 'v2'));
    pm2Ms.push(await pm2Reload());
  }
  const ratio = median(ferryMs) / median(pm2Ms);
  console.log(JSON.stringify({
    benchmark: 'rolling_8_cli_vs_pm2_reload',
    instances: INSTANCES,
    strategy: STRATEGY,
    runs: RUNS,
    ferry_deploy_wait_ms: { median: round(median(ferryMs)), runs: ferryMs.map(round) },
    pm2_reload_ms: { median: round(median(pm2Ms)), runs: pm2Ms.map(round) },
    ratio: Math.round(ratio * 1000) / 1000,
    target_ratio: TARGET_RATIO,
    ok: ratio <= TARGET_RATIO,
    load_average_1m: Math.round(loadavg()[0] * 100) / 100,
  }, null, 2));
} finally {
  await stopAll();
}
