#!/usr/bin/env node
/**
 * Benchmark: a rolling deployment of 8 local instances in batches of 2
 * (`{"type":"rolling","batch_size":2,"min_healthy_time_s":0}`) must take at most 1.25×
 * its floor, median of BENCH_RUNS (default 3) deployments alternating v2/v1 after an
 * untimed first deployment of v1. The first timed run also installs v2.
 *
 * Floor, measured in the same run: batches (8 / 2 = 4) × one instance's stop +
 * spawn-to-ready, where that is a plain `node server.js` started from the unpacked v1
 * package with PORT set, /healthz polled until 200, then SIGTERM and waiting for exit
 * (median of samples taken before and between the deployments).
 * A deployment is timed from POST /api/v1/deployments until GET /api/v1/deployments/{id}
 * (polled every 20 ms) shows a terminal status. Prints one JSON object. Needs a build.
 */
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { declareHello, deployHello } from './lib/hello-fleet.mjs';
import { median, round, stopOnSignal, stopPlusReadyOnce } from './lib/instance-floor.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INSTANCES = 8;
const BATCH_SIZE = 2;
const BATCHES = Math.ceil(INSTANCES / BATCH_SIZE);
const TARGET_RATIO = 1.25;
const FLOOR_SAMPLES_PER_RUN = 2;

// The agent's production probe interval (the test fleet's 250 ms probes of all 8 instances
// would compete with the instances for the 2 cores and measure the test setting, not Ferry).
const fleet = await LocalFleet.start({ hosts: ['bench'], env: { FERRY_PROBE_INTERVAL_MS: '1000' } });
const stopFleet = stopOnSignal(() => fleet.stop(['hello']));
try {
  const { v1, v2, unpacked } = await declareHello(fleet, INSTANCES, { type: 'rolling', batch_size: BATCH_SIZE, min_healthy_time_s: 0 });

  await deployHello(fleet, v1.version); // not timed: brings all 8 up on v1
  await stopPlusReadyOnce(unpacked); // not counted: warms the file cache for the floor
  const floors = [];
  const pairs = [];
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    for (let s = 0; s < FLOOR_SAMPLES_PER_RUN; s++) floors.push(await stopPlusReadyOnce(unpacked));
    // Context, not the target's floor: a batch's instances start together and share the 2 cores.
    for (let s = 0; s < FLOOR_SAMPLES_PER_RUN; s++) pairs.push(Math.max(...(await Promise.all(Array.from({ length: BATCH_SIZE }, () => stopPlusReadyOnce(unpacked)))).map((f) => f.total)));
    runs.push(await deployHello(fleet, i % 2 === 0 ? v2.version : v1.version));
  }
  const one = median(floors.map((f) => f.total));
  const floor = BATCHES * one;
  const med = median(runs);
  const ratio = med / floor;
  console.log(JSON.stringify({
    benchmark: 'rolling_8_instances_batch_2',
    instances: INSTANCES,
    batch_size: BATCH_SIZE,
    batches: BATCHES,
    runs_ms: runs.map(round),
    median_ms: round(med),
    floor_ms: round(floor),
    floor_one_instance_stop_plus_ready_ms: round(one),
    floor_one_instance_ready_ms_median: round(median(floors.map((f) => f.ready))),
    floor_one_instance_stop_ms_median: round(median(floors.map((f) => f.stop))),
    floor_samples: floors.length,
    ratio: Math.round(ratio * 1000) / 1000,
    target_ratio: TARGET_RATIO,
    floor_batch_started_together_ms: round(BATCHES * median(pairs)),
    ratio_to_batch_started_together: Math.round((med / (BATCHES * median(pairs))) * 1000) / 1000,
    ok: ratio <= TARGET_RATIO,
  }, null, 2));
} finally {
  await stopFleet();
}
