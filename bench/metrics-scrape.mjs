#!/usr/bin/env node
/**
 * Benchmark (issue "Observability", item 2): `GET /metrics` latency with 1,000 instances
 * across 100 services. Target: p99 at most 20 ms, and not growing with the number of
 * past operations.
 *
 * Starts a real `ferry server` (no agent process) on a temporary SQLite data dir; 100
 * services of 10 instances each are served by hollow agents (simulated agents, see
 * lib/hollow-fleet.mjs: real heartbeats, no instance processes), each service deployed
 * to v1 through the normal engine. Then it times sequential scrapes twice: with only
 * those 100 setup deployments finished, and after 10,000 more finished deployments were
 * written into the store (directly, through the store's own insertOperation, since
 * driving 10,000 real deployments would take hours). Prints one JSON object.
 * Needs a build (`npm run build`). BENCH_SCRAPES (default 500) and BENCH_PAST_OPERATIONS
 * (default 10000) override.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { openStore } from '../dist/store/open-store.js';
import { cpuSeconds, HEARTBEAT_S, hollowFleet } from './lib/hollow-fleet.mjs';

const SERVICES = 100;
const INSTANCES_PER_SERVICE = 10;
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 500);
const PAST_OPERATIONS = Number(process.env.BENCH_PAST_OPERATIONS ?? 10_000);
const TARGET = { instances: SERVICES * INSTANCES_PER_SERVICE, p99_ms: 20 };

/** Sequential GETs of `path` after a short warm-up; latencies in ms, with the last body. */
async function timeGets(fleet, path) {
  const headers = { authorization: `Bearer ${fleet.token}` };
  for (let i = 0; i < 20; i++) await (await fetch(`${fleet.server.url}${path}`, { headers })).text();
  const latencies = [];
  let body = '';
  const cpuBefore = cpuSeconds(fleet.server.pid);
  for (let i = 0; i < SCRAPES; i++) {
    const started = performance.now();
    const response = await fetch(`${fleet.server.url}${path}`, { headers });
    body = await response.text();
    latencies.push(performance.now() - started);
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  }
  const cpuAfter = cpuSeconds(fleet.server.pid);
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 100) / 100;
  // Server CPU per request over the window, the loop's background work included: less moved by other processes than latency.
  const cpuMs = cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / SCRAPES) / 1000;
  return { body, figures: { requests: SCRAPES, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: at(1), server_cpu_ms_per_request: cpuMs } };
}

async function timeScrapes(fleet) {
  const { body, figures } = await timeGets(fleet, '/metrics');
  const instances = [...body.matchAll(/^ferry_instances\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  return { ...figures, body_bytes: body.length, instances_in_gauge: instances };
}

/** Writes `count` finished deployments (succeeded, one target each) spread over the services. */
async function writePastDeployments(dataDir, services, count) {
  const store = await openStore({ dataDir });
  try {
    const base = Date.now() - 86_400_000;
    for (let start = 0; start < count; start += 500) {
      await store.transaction(async (tx) => {
        for (let n = start; n < Math.min(count, start + 500); n++) {
          const service = services[n % services.length];
          const at = base + n;
          const id = `dep-past-${n}`;
          const operation = {
            id, kind: 'deploy', service, version: 'v1', whole_service: true, status: 'succeeded', reason: null,
            strategy: { type: 'all_at_once' }, timeout_s: 120, retry_count: 0, auto_rollback: true,
            rollout: { steps_done: 0, pause: null, progress_at: at, abort: null },
            actor: 'bench', correlation_id: `corr-${n}`, created_at: at, updated_at: at, completed_at: at,
          };
          const target = {
            operation_id: id, instance_id: `${service}-hollow-${service}-0-20000`, from_version: 'v1', to_version: 'v1', status: 'succeeded',
            attempts: 1, generation: 1, changed: true, started_at: at, healthy_at: at, updated_at: at, reason: null,
          };
          await tx.insertOperation(operation, [target]);
        }
      });
    }
  } finally {
    await store.close();
  }
}

const fleet = await LocalFleet.start({ hosts: [], env: { FERRY_HEARTBEAT_S: String(HEARTBEAT_S), FERRY_RECONCILE_MS: '500', FERRY_LOG_LEVEL: 'warn' } });
const agents = [];
let result;
try {
  const services = Array.from({ length: SERVICES }, (_, n) => `svc-${String(n).padStart(3, '0')}`);
  for (const service of services) agents.push(...(await hollowFleet(fleet, service, INSTANCES_PER_SERVICE)));
  // Let the last deployments' work settle and the reconcile loop refresh the gauges with every one finished.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  // The same server, client and moment answering GET /healthz (no work at all): what the machine's load alone costs.
  const healthz = (await timeGets(fleet, '/healthz')).figures;
  const fewPast = await timeScrapes(fleet);
  await writePastDeployments(join(fleet.dir, 'server'), services, PAST_OPERATIONS);
  const manyPast = await timeScrapes(fleet);
  const growth = Math.round((manyPast.p99_ms / fewPast.p99_ms) * 100) / 100;
  result = {
    target: TARGET,
    services: SERVICES,
    instances: SERVICES * INSTANCES_PER_SERVICE,
    hollow_agents: agents.length,
    with_past_deployments: { [SERVICES]: fewPast, [SERVICES + PAST_OPERATIONS]: manyPast },
    p99_growth_factor: growth,
    healthz_same_fleet: healthz,
    load_average_1m: Math.round(loadavg()[0] * 100) / 100,
    ok: manyPast.p99_ms <= TARGET.p99_ms && fewPast.p99_ms <= TARGET.p99_ms && fewPast.instances_in_gauge === TARGET.instances && manyPast.instances_in_gauge === TARGET.instances,
    note: `p50/p99 of ${SCRAPES} sequential scrapes each; the keys of with_past_deployments are the finished deployments in the store`,
  };
} finally {
  for (const agent of agents) agent.stop();
  await fleet.stop();
}
console.log(JSON.stringify(result, null, 2));
