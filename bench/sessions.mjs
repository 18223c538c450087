#!/usr/bin/env node
/**
 * Benchmark (issue "Fleet consistency", item 4): session allocation throughput. Target:
 * at least 5,000 sessions/s with p99 at most 25 ms, 100 instances, SQLite.
 *
 * Starts a real `ferry server` (no agent process) on a temporary SQLite data dir. The
 * fleet is served by hollow agents, kubemark-style: they send real heartbeats over HTTP
 * reporting instances ready on v1. Each one long-polls its host's assignments like a real
 * agent and acknowledges every goal (achieved_generation, the goal's version, ready), so
 * a real deployment of v1 succeeds through the normal engine and sets the desired
 * version; no instance process exists. Then autocannon (50 connections, ~10 s) POSTs
 * /api/v1/sessions; the same again with 1,000 instances. Prints one JSON object.
 * Needs a build (`npm run build`). BENCH_DURATION_S, BENCH_CONNECTIONS and BENCH_SIZES
 * (e.g. "100") override; BENCH_SERVER_NODE_OPTIONS reaches the server only, e.g.
 * "--require ./profile.cjs" with a file that starts node:inspector's Profiler and writes
 * the profile on exit (Node 20 refuses --cpu-prof in NODE_OPTIONS).
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { HEARTBEAT_S, hollowFleet, summarize, withServerCpu } from './lib/hollow-fleet.mjs';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000').split(',').map(Number);
const TARGET = { instances: 100, sessions_per_s: 5000, p99_ms: 25 };

async function loadTest(fleet, service) {
  return summarize(await autocannon({
    url: `${fleet.server.url}/api/v1/sessions`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { authorization: `Bearer ${fleet.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service }),
  }));
}

/**
 * The same server and client answering GET /healthz (no store access): the most this
 * machine lets the pair do right now, so the session figures can be read against it.
 */
async function healthzCeiling(fleet) {
  return summarize(await autocannon({ url: `${fleet.server.url}/healthz`, connections: CONNECTIONS, duration: Math.min(DURATION_S, 5) }));
}

const fleet = await LocalFleet.start({ hosts: [], env: {
    FERRY_HEARTBEAT_S: String(HEARTBEAT_S),
    FERRY_RECONCILE_MS: '500',
    FERRY_LOG_LEVEL: 'warn',
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
  },
});
const agents = [];
const runs = [];
try {
  for (const count of SIZES) {
    const service = `bench-${count}`;
    agents.push(...(await hollowFleet(fleet, service, count)));
    const sample = await fleet.api.post('/api/v1/sessions', { service });
    if (sample.runtime_version !== 'v1') throw new Error(`sample session got ${JSON.stringify(sample)}`);
    runs.push({ instances: count, connections: CONNECTIONS, duration_s: DURATION_S, ...(await withServerCpu(fleet, () => loadTest(fleet, service))) });
  }
  const ceiling = await withServerCpu(fleet, () => healthzCeiling(fleet));
  const first = runs[0];
  console.log(JSON.stringify({
    benchmark: 'session_allocation',
    store: 'sqlite',
    load_average_1m: loadavg()[0],
    healthz_ceiling: ceiling,
    hollow_agents: 'kubemark-style: real heartbeats over HTTP reporting instances ready on v1, no instance processes',
    runs,
    target: TARGET,
    within_target: first.requests_per_s >= TARGET.sessions_per_s && first.latency_p99_ms <= TARGET.p99_ms && first.non_2xx === 0,
  }, null, 2));
} finally {
  for (const agent of agents) agent.stop();
  await fleet.stop();
}
