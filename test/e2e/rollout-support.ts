/**
 * What the rollout end-to-end tests share: a service of hello-service instances on a
 * LocalFleet, and ways to ask those instances themselves what they run. Versions come
 * from each instance's own GET /version and pids from the agent's pid.json beside it,
 * never from the control plane alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instanceIdFor } from '../../src/core/names.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { readPid, type LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

const HOST = 'local';
/** Statuses a deployment never leaves. */
export const TERMINAL_DEPLOYMENT_STATUSES = ['succeeded', 'failed', 'rolled_back', 'aborted'];

/** One service of `ports.length` hello-service instances, all on the fleet's `local` agent. */
export class HelloService {
  private constructor(
    readonly fleet: LocalFleet,
    readonly name: string,
    readonly ports: number[],
    private readonly spec: Record<string, unknown>,
  ) {}

  /** Declares the service with `count` instances on fresh ports (`extra` adds spec fields, e.g. verify). */
  static async declare(fleet: LocalFleet, name: string, count: number, extra: Record<string, unknown> = {}): Promise<HelloService> {
    return HelloService.declareOn(fleet, name, await freePorts(count), extra);
  }

  /** The same on ports the caller chose (e.g. the ones a load balancer in front was configured with). */
  static async declareOn(fleet: LocalFleet, name: string, ports: number[], extra: Record<string, unknown> = {}): Promise<HelloService> {
    const spec = { start: 'node server.js', keep_releases: 5, ...extra };
    await fleet.api.put(`/api/v1/services/${name}`, { ...spec, instances: ports.map((port) => ({ host: HOST, port })) });
    return new HelloService(fleet, name, ports, spec);
  }

  instanceId(port: number): string {
    return instanceIdFor(this.name, HOST, port);
  }

  /** The port of the first instance of this service a text names, if any. */
  portNamedIn(text: string): number | undefined {
    return this.ports.find((port) => new RegExp(`\\b${escapeRegExp(this.instanceId(port))}\\b`).test(text));
  }

  /** Packages hello-service as `version` (misbehaving as `behaviour` says) and registers it. */
  async release(version: string, behaviour?: Record<string, unknown>): Promise<void> {
    const pkg = await packageHello(this.fleet.dir, this.name, version, behaviour ? { behaviour } : {});
    await this.fleet.api.post('/api/v1/releases', { service: this.name, version, package_url: pkg.package_url, sha256: pkg.sha256 });
  }

  /** Starts a whole-service deployment and returns its id. */
  async deploy(version: string, extra: Record<string, unknown> = {}): Promise<string> {
    // All at once unless a test names its strategy: the default (rolling 25%) is tested in the core.
    const { deploy_id } = await this.fleet.api.post('/api/v1/deployments', { service: this.name, version, strategy: { type: 'all_at_once' }, ...extra });
    return deploy_id as string;
  }

  async deployAndWait(version: string, extra: Record<string, unknown> = {}): Promise<any> {
    return this.fleet.api.waitForDeployment(await this.deploy(version, extra));
  }

  deployment(id: string): Promise<any> {
    return this.fleet.api.get(`/api/v1/deployments/${id}`);
  }

  /** GET /api/v1/services/{name}: desired_version, previous_version, lock. */
  describe(): Promise<any> {
    return this.fleet.api.get(`/api/v1/services/${this.name}`);
  }

  /** What each instance answers on its own /version, in port order; null when it does not answer. */
  versions(): Promise<Array<string | null>> {
    return Promise.all(this.ports.map(answeredVersion));
  }

  /** The pid the agent recorded for each instance's process, by port. */
  pids(): Record<number, number | null> {
    const root = this.fleet.agentRoot(HOST);
    return Object.fromEntries(this.ports.map((port) => [port, readPid(join(root, this.name, 'instances', this.instanceId(port), 'pid.json'))]));
  }

  /** Removes every instance through the API and waits until none answers. */
  async remove(): Promise<void> {
    await this.fleet.api.put(`/api/v1/services/${this.name}`, { ...this.spec, instances: [] });
    await pollUntil(`instances of ${this.name} to stop`, async () => ((await this.versions()).every((v) => v === null) ? true : undefined), { timeoutMs: 30_000 });
  }
}

export interface InstanceSample {
  port: number;
  /** /healthz answered 2xx. */
  healthy: boolean;
  /** What /version answered; null when it did not answer. */
  version: string | null;
}

export interface FleetSample {
  at: number;
  instances: InstanceSample[];
}

/**
 * Samples every instance's /healthz and /version every `intervalMs` until `stop()`, which
 * returns every sample. This observes a rollout; it never waits for a state.
 */
export function watchInstances(ports: number[], intervalMs = 25): { stop(): Promise<FleetSample[]> } {
  const samples: FleetSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      samples.push({ at, instances: await Promise.all(ports.map(sampleInstance)) });
      const rest = intervalMs - (Date.now() - at);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** Every version each port answered across the samples. */
export function versionsSeen(samples: FleetSample[]): Map<number, Set<string>> {
  const seen = new Map<number, Set<string>>();
  for (const sample of samples) {
    for (const { port, version } of sample.instances) {
      if (!seen.has(port)) seen.set(port, new Set());
      if (version !== null) seen.get(port)!.add(version);
    }
  }
  return seen;
}

/** How many of each answer, e.g. `{v1: 3, v2: 1}`; no answer counts as `none`. */
export function tally(versions: Array<string | null>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const version of versions) counts[version ?? 'none'] = (counts[version ?? 'none'] ?? 0) + 1;
  return counts;
}

export async function answeredVersion(port: number): Promise<string | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/version`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return null;
    const body = (await res.json()) as { version?: unknown };
    return typeof body.version === 'string' ? body.version : null;
  } catch {
    return null;
  }
}

async function sampleInstance(port: number): Promise<InstanceSample> {
  const [healthy, version] = await Promise.all([answersHealthy(port), answeredVersion(port)]);
  return { port, healthy, version };
}

async function answersHealthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
