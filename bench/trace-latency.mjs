#!/usr/bin/env node
/**
 * Benchmark: a deployment's root span and all its children must reach an OTLP receiver
 * within 5 s of the operation's end, with Ferry's default export settings (batched, 1 s
 * schedule). A local fleet of INSTANCES hello instances exports over OTLP/HTTP protobuf to
 * a receiver on loopback; each of BENCH_RUNS (default 3) deployments alternates v1/v2 and
 * is timed from its `completed_at` (the server's clock, the same machine's) to the arrival
 * of the last of its spans: the root, one `ferry.instance` per instance, and the agent's
 * install, start, probe and verify per instance. Prints one JSON object. Needs a build.
 */
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { pollUntil } from '../dist/local-fleet/poll-until.js';
import { declareHello } from './lib/hello-fleet.mjs';
import { median, round, stopOnSignal } from './lib/instance-floor.mjs';
import { startOtlpReceiver } from './lib/otlp-receiver.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INSTANCES = 4;
const BUDGET_MS = 5000;
const AGENT_SPANS = ['ferry.instance.install', 'ferry.instance.start', 'ferry.instance.probe', 'ferry.instance.verify'];

const receiver = await startOtlpReceiver();
const fleet = await LocalFleet.start({ hosts: ['bench'], env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
const stopFleet = stopOnSignal(async () => {
  await fleet.stop(['hello']);
  await receiver.close();
});
try {
  await declareHello(fleet, INSTANCES, { type: 'all_at_once' });
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await traceLatencyOnce(i % 2 === 0 ? 'v1' : 'v2'));
  const worst = Math.max(...runs.map((r) => r.ms));
  console.log(JSON.stringify({
    benchmark: 'trace_latency',
    instances: INSTANCES,
    spans_per_deployment: runs[0]?.spans,
    runs_ms: runs.map((r) => round(r.ms)),
    median_ms: round(median(runs.map((r) => r.ms))),
    max_ms: round(worst),
    budget_ms: BUDGET_MS,
    ok: worst <= BUDGET_MS,
  }, null, 2));
} finally {
  await stopFleet();
}

/** Deploys `version` and returns ms from the operation's end to its last span's arrival. */
async function traceLatencyOnce(version) {
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: 'hello', version });
  const done = await fleet.api.waitForDeployment(deploy_id);
  if (done.status !== 'succeeded') throw new Error(`deployment ${deploy_id} ended ${done.status}: ${JSON.stringify(done.reason)}`);
  const endedAt = Date.parse(done.completed_at);
  const spans = await pollUntil(`every span of ${deploy_id}`, async () => {
    const root = receiver.spans.find((s) => s.name === 'ferry.deployment' && s.attributes['ferry.deploy_id'] === deploy_id);
    if (root === undefined) return undefined;
    const trace = receiver.trace(root.traceId);
    const count = (name) => trace.filter((s) => s.name === name).length;
    const complete = count('ferry.instance') === INSTANCES && AGENT_SPANS.every((name) => count(name) === INSTANCES);
    return complete ? trace : undefined;
  }, { timeoutMs: 30_000, intervalMs: 10 });
  return { ms: Math.max(...spans.map((s) => s.receivedAt)) - endedAt, spans: spans.length };
}
