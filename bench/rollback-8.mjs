#!/usr/bin/env node
/**
 * Benchmark: a one-click rollback of 8 local instances must take at most one instance's
 * stop + spawn-to-ready + 1000 ms, median of BENCH_RUNS (default 3).
 *
 * Setup: deploy v1, then v2 (whole service, all at once, so v1 stays on the agent's disk
 * as the previous desired version). Each run then times
 * POST /api/v1/services/hello/rollback `{}` until GET /api/v1/rollbacks/{rollback_id}
 * (polled every 20 ms) says succeeded or failed, and deploys v2 again (not timed) before
 * the next run. The budget's stop + spawn-to-ready is measured in the same run: a plain
 * `node server.js` started from the unpacked v1 package with PORT set, /healthz polled
 * until 200, then SIGTERM and waiting for exit (median of samples taken before and
 * between the rollbacks). Prints one JSON object. Needs a build.
 */
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { declareHello, deployHello } from './lib/hello-fleet.mjs';
import { median, round, stopOnSignal, stopPlusReadyOnce } from './lib/instance-floor.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INSTANCES = 8;
const FERRY_ALLOWANCE_MS = 1000;
const FLOOR_SAMPLES_PER_RUN = 2;

const fleet = await LocalFleet.start({ hosts: ['bench'] });
const stopFleet = stopOnSignal(() => fleet.stop(['hello']));
try {
  const { v1, v2, unpacked } = await declareHello(fleet, INSTANCES, { type: 'all_at_once' });

  await deployHello(fleet, v1.version);
  await stopPlusReadyOnce(unpacked); // not counted: warms the file cache for the floor
  const floors = [];
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    await deployHello(fleet, v2.version);
    for (let s = 0; s < FLOOR_SAMPLES_PER_RUN; s++) floors.push(await stopPlusReadyOnce(unpacked));
    runs.push(await rollbackOnce(v1.version));
  }
  const one = median(floors.map((f) => f.total));
  const budget = one + FERRY_ALLOWANCE_MS;
  const med = median(runs);
  console.log(JSON.stringify({
    benchmark: 'rollback_8_instances',
    instances: INSTANCES,
    runs_ms: runs.map(round),
    median_ms: round(med),
    budget_ms: round(budget),
    floor_one_instance_stop_plus_ready_ms: round(one),
    floor_one_instance_ready_ms_median: round(median(floors.map((f) => f.ready))),
    floor_one_instance_stop_ms_median: round(median(floors.map((f) => f.stop))),
    floor_samples: floors.length,
    allowance_ms: FERRY_ALLOWANCE_MS,
    ok: med <= budget,
  }, null, 2));
} finally {
  await stopFleet();
}


async function rollbackOnce(expected) {
  const started = performance.now();
  const { rollback_id } = await fleet.api.post('/api/v1/services/hello/rollback', {});
  const done = await fleet.api.waitForRollback(rollback_id);
  const ms = performance.now() - started;
  if (done.status !== 'succeeded') throw new Error(`rollback ${rollback_id} ended ${done.status}: ${JSON.stringify(done.reason)}`);
  if (done.target_version !== expected) throw new Error(`rollback ${rollback_id} went to ${done.target_version}, expected ${expected}`);
  return ms;
}
