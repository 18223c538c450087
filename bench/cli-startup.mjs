#!/usr/bin/env node
/**
 * Benchmark (issue "Operator experience", item 1): how fast the `ferry` command line starts.
 * Targets: `ferry --version` at most 1.5 × `node -e 0` + 40 ms, and `ferry services` against
 * a running server no slower than `pm2 ping` (a comparable CLI that asks a running daemon).
 *
 * In one run, interleaved round by round so machine load hits every command alike, each
 * measured 10 times (after one uncounted warm-up) as the wall time of a fresh process:
 *   - `node -e 0`: the floor of starting Node at all;
 *   - `bin/ferry --version`;
 *   - `bin/ferry services` against a real `ferry server` (LocalFleet from dist/, no hosts);
 *   - the reference: `pm2 ping`, pm2 installed into this benchmark's own scratch folder with
 *     PM2_HOME there (its daemon is killed at the end); and always a bare Node `fetch` of the
 *     server's /healthz, which becomes the reference when pm2 cannot be installed.
 * Prints one JSON object with the medians. Needs a build (`npm run build`) and, for pm2,
 * the npm registry. BENCH_RUNS overrides the 10.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { round } from './lib/instance-floor.mjs';
import { installPm2, killPm2 } from './lib/pm2.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FERRY = join(ROOT, 'bin', 'ferry');
const VERSION_FACTOR = 1.5;
const VERSION_ALLOWANCE_MS = 40;

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Wall time of one process from spawn to exit; a non-zero exit is an error, not a figure. */
function timed(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(command, args, { env: { ...process.env, ...env }, cwd: scratch }, (error, _stdout, stderr) => {
      const ms = performance.now() - started;
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message} ${stderr}`));
      else resolve(ms);
    });
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'ferry-bench-cli-'));
const pm2 = installPm2(scratch);
const pm2Env = pm2.env;
const fleet = await LocalFleet.start({ hosts: [], env: { FERRY_LOG_LEVEL: 'warn' } });
try {
  const ferryEnv = { FERRY_TOKEN: fleet.token, FERRY_SERVER: fleet.server.url };
  const healthz = `${fleet.server.url}/healthz`;
  const commands = {
    node_e_0: () => timed(process.execPath, ['-e', '0']),
    ferry_version: () => timed(process.execPath, [FERRY, '--version']),
    ferry_services: () => timed(process.execPath, [FERRY, 'services'], ferryEnv),
    node_fetch_healthz: () => timed(process.execPath, ['--input-type=module', '-e', `const r = await fetch(${JSON.stringify(healthz)}); if (!r.ok) process.exit(1);`]),
    ...(pm2.bin !== null ? { pm2_ping: () => timed(pm2.bin, ['ping'], pm2Env) } : {}),
  };
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  // Warm-up, not counted: the file cache, and pm2's first ping starts its daemon.
  for (const run of Object.values(commands)) await run();
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of Object.entries(commands)) samples[name].push(await run());
  }
  const med = Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
  const versionBudget = VERSION_FACTOR * med.node_e_0 + VERSION_ALLOWANCE_MS;
  const reference = pm2.bin !== null ? 'pm2_ping' : 'node_fetch_healthz';
  const servicesBudget = med[reference];
  console.log(JSON.stringify({
    benchmark: 'cli_startup',
    runs: RUNS,
    median_ms: Object.fromEntries(Object.entries(med).map(([name, ms]) => [name, round(ms)])),
    runs_ms: Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, xs.map(round)])),
    version_budget_ms: round(versionBudget),
    version_ok: med.ferry_version <= versionBudget,
    services_reference: reference,
    ...(pm2.why !== null ? { pm2_unavailable: pm2.why } : {}),
    services_budget_ms: round(servicesBudget),
    services_ok: med.ferry_services <= servicesBudget,
    ok: med.ferry_version <= versionBudget && med.ferry_services <= servicesBudget,
    load_average_1m: Math.round(loadavg()[0] * 100) / 100,
  }, null, 2));
} finally {
  killPm2(pm2);
  await fleet.stop();
  rmSync(scratch, { recursive: true, force: true });
}
