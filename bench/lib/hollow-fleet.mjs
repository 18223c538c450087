/**
 * Bench support: kubemark-style hollow agents (no instance processes) and the figures
 * the session benchmarks share. A hollow agent sends real heartbeats over HTTP reporting
 * every assigned instance ready on its goal version and long-polls its assignments like
 * a real agent, so real deployments succeed through the normal engine.
 */
import { readFileSync } from 'node:fs';

export const HEARTBEAT_S = 5;

/** A host with no processes: it reports every assigned instance ready on its goal version. */
export class HollowAgent {
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
export async function hollowFleet(fleet, service, count) {
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
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Runs `load`, adding the server's CPU milliseconds per request: a figure other processes on the machine barely move. */
export async function withServerCpu(fleet, load) {
  const before = cpuSeconds(fleet.server.pid);
  const figures = await load();
  const after = cpuSeconds(fleet.server.pid);
  const perRequest = before === null || after === null ? null : Math.round(((after - before) * 1000 * 1000) / figures.requests_total) / 1000;
  return { ...figures, server_cpu_ms_per_request: perRequest };
}

export function summarize(result) {
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
