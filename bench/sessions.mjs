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
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000').split(',').map(Number);
const HEARTBEAT_S = 5;
const TARGET = { instances: 100, sessions_per_s: 5000, p99_ms: 25 };

/** A host with no processes: it reports every assigned instance ready on its goal version. */
class HollowAgent {
  #stopped = new AbortController();
  #assigned = [];
  #timer;

  constructor(url, token, host) {
    this.url = url;
    this.token = token;
    this.host = host;
  }

  async start() {
    await this.#heartbeat();
    this.#timer = setInterval(() => void this.#heartbeat().catch(() => {}), HEARTBEAT_S * 1000);
    void this.#pollAssignments();
  }

  stop() {
    clearInterval(this.#timer);
    this.#stopped.abort();
  }

  async #pollAssignments() {
    let revision = '';
    while (!this.#stopped.signal.aborted) {
      try {
        const response = await fetch(`${this.url}/api/v1/agents/${this.host}/assignments?after=${revision}&wait_s=10`, { headers: this.#headers(), signal: this.#stopped.signal });
        const assignments = await response.json();
        if (assignments.revision !== revision) {
          revision = assignments.revision;
          this.#assigned = assignments.instances;
          await this.#heartbeat();
        }
      } catch (error) {
        if (!this.#stopped.signal.aborted) throw error;
      }
    }
  }

  #heartbeat() {
    const instances = this.#assigned.map((a) => ({
      instance_id: a.instance_id,
      service: a.service,
      status: a.version === null ? 'stopped' : 'ready',
      version: a.version,
      pid: null,
      achieved_generation: a.generation,
      outcome: a.generation === 0 ? null : { generation: a.generation, ok: true, code: null, message: null, switched: true },
    }));
    const body = JSON.stringify({ address: '127.0.0.1', agent_version: 'hollow', instances, kept_releases: {} });
    return fetch(`${this.url}/api/v1/agents/${this.host}/heartbeat`, { method: 'POST', headers: { ...this.#headers(), 'content-type': 'application/json' }, body, signal: this.#stopped.signal }).then((r) => {
      if (!r.ok) throw new Error(`heartbeat of ${this.host} answered ${r.status}`);
    });
  }

  #headers() {
    return { authorization: `Bearer ${this.token}` };
  }
}

/** Declares `service` with `count` instances over hollow hosts of 50 instances each, and deploys v1 to them. */
async function hollowFleet(fleet, service, count) {
  const hosts = Array.from({ length: Math.ceil(count / 50) }, (_, n) => `hollow-${service}-${n}`);
  const instances = Array.from({ length: count }, (_, n) => ({ host: hosts[Math.floor(n / 50)], port: 20000 + (n % 50) }));
  await fleet.api.put(`/api/v1/services/${service}`, { start: 'node server.js', instances });
  const agents = hosts.map((host) => new HollowAgent(fleet.server.url, fleet.token, host));
  for (const agent of agents) await agent.start();
  // Registration only records the declared sha256; hollow agents never download the package.
  await fleet.api.post('/api/v1/releases', { service, version: 'v1', package_url: 'https://example.invalid/hollow-v1.tar.gz', sha256: 'a'.repeat(64) });
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service, version: 'v1', strategy: { type: 'all_at_once' } });
  const done = await fleet.api.waitForDeployment(deploy_id, 120_000);
  if (done.status !== 'succeeded') throw new Error(`deployment of ${service} ended ${done.status}: ${JSON.stringify(done.reason)}`);
  const { instances: shown } = await fleet.api.get(`/api/v1/services/${service}/instances`);
  const ready = shown.filter((i) => i.status === 'ready' && i.version === 'v1').length;
  if (ready !== count) throw new Error(`${ready} of ${count} instances ready on v1`);
  return agents;
}

/** CPU seconds (user + system) the process has used so far; Linux only, null elsewhere. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Runs `load`, adding the server's CPU milliseconds per request: a figure other processes on the machine barely move. */
async function withServerCpu(fleet, load) {
  const before = cpuSeconds(fleet.server.pid);
  const figures = await load();
  const after = cpuSeconds(fleet.server.pid);
  const perRequest = before === null || after === null ? null : Math.round(((after - before) * 1000 * 1000) / figures.requests_total) / 1000;
  return { ...figures, server_cpu_ms_per_request: perRequest };
}

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

function summarize(result) {
  return {
    requests_per_s: Math.round(result.requests.average),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    latency_max_ms: result.latency.max,
    requests_total: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
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
