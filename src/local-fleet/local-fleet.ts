/**
 * A whole Ferry on this machine: one server (SQLite in a temporary directory, or the
 * PostgreSQL URL given), one agent per host id, and helpers to tear it all down
 * leaving no process behind: instances are removed through the API first, so their
 * agents stop them, then agents and server get SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOrphanGroups } from '../agent/orphan-processes.js';
import { FerryApi } from './ferry-api.js';
import { startAgentProcess, startServerProcess, type FerryProcess, type ServerProcess } from './ferry-processes.js';
import { pollUntil } from './poll-until.js';

export interface LocalFleetOptions {
  hosts?: string[];
  /** Extra environment for server and agents (timers). */
  env?: Record<string, string>;
  databaseUrl?: string;
  /** Keep the temporary directory after stop (for a failing run's logs). */
  keepDir?: boolean;
}

export class LocalFleet {
  readonly agents = new Map<string, FerryProcess>();

  private constructor(
    readonly dir: string,
    readonly token: string,
    public server: ServerProcess,
    readonly api: FerryApi,
    private readonly opts: LocalFleetOptions,
  ) {}

  static async start(opts: LocalFleetOptions = {}): Promise<LocalFleet> {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-fleet-'));
    const token = randomBytes(16).toString('hex');
    const server = await startServerProcess({ dataDir: join(dir, 'server'), adminToken: token, ...(opts.env ? { env: opts.env } : {}), ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}) });
    const fleet = new LocalFleet(dir, token, server, new FerryApi(server.url, token), opts);
    for (const host of opts.hosts ?? ['local']) await fleet.startAgent(host);
    return fleet;
  }

  /** The agent's on-host root for a host id. */
  agentRoot(host: string): string {
    return join(this.dir, 'agents', host);
  }

  async startAgent(host: string): Promise<FerryProcess> {
    const agent = startAgentProcess({ serverUrl: this.server.url, token: this.token, hostId: host, root: this.agentRoot(host), logFile: join(this.dir, `agent-${host}.log`), ...(this.opts.env ? { env: this.opts.env } : {}) });
    this.agents.set(host, agent);
    await pollUntil(`agent ${host} to register`, async () => {
      const { hosts } = await this.api.get('/api/v1/hosts');
      return hosts.some((h: { host: string }) => h.host === host) ? true : undefined;
    });
    return agent;
  }

  /** Restarts the server on the same data dir and port (after a stop or kill -9). */
  async restartServer(): Promise<void> {
    const port = Number(new URL(this.server.url).port);
    this.server = await startServerProcess({ dataDir: join(this.dir, 'server'), adminToken: this.token, port, ...(this.opts.env ? { env: this.opts.env } : {}), ...(this.opts.databaseUrl ? { databaseUrl: this.opts.databaseUrl } : {}) });
  }

  /**
   * Removes every instance of the given services through the API and waits until the
   * agents have stopped them, then stops agents and server. Whatever still runs after
   * that (a failed test) is killed from the agents' pid files.
   */
  async stop(services: string[] = []): Promise<void> {
    try {
      for (const service of services) await this.removeInstances(service);
      // Every instance pid counts, so wait once all the services are emptied, not after each.
      if (services.length > 0) await pollUntil(`instances of ${services.join(', ')} to stop`, async () => ((await this.instancePids()).length === 0 ? true : undefined), { timeoutMs: 30_000 });
    } finally {
      for (const agent of this.agents.values()) await agent.stop();
      await this.server.stop();
      this.killLeftoverInstances();
      if (!this.opts.keepDir) rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async removeInstances(service: string): Promise<void> {
    const spec = await this.api.get(`/api/v1/services/${service}`).catch(() => undefined);
    if (spec === undefined) return;
    const { name: _n, service: _s, lock: _l, instances: _i, instance_counts: _c, drift_count: _d, desired_version: _dv, previous_version: _pv, created_at: _ca, updated_at: _ua, ...declared } = spec;
    await this.api.put(`/api/v1/services/${service}`, { ...declared, instances: [] });
  }

  /**
   * Changes an instance behind Ferry's back, as a person with a shell might: points its
   * `current` link at another kept release (atomically) and kills its process group, so
   * the agent's crash restart brings it back on that release's code.
   */
  tamperWithInstance(host: string, service: string, instanceId: string, version: string): void {
    const dir = join(this.agentRoot(host), service, 'instances', instanceId);
    const staged = join(dir, 'current.tamper');
    symlinkSync(join('..', '..', 'releases', version), staged);
    renameSync(staged, join(dir, 'current'));
    const pid = readPid(join(dir, 'pid.json'));
    if (pid === null) throw new Error(`no pid.json for ${instanceId}`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }

  /** Pids of instance processes still alive under every agent root. */
  async instancePids(): Promise<number[]> {
    const pids: number[] = [];
    const agentsDir = join(this.dir, 'agents');
    if (!existsSync(agentsDir)) return pids;
    for (const host of readdirSync(agentsDir)) {
      for (const pidFile of findPidFiles(join(agentsDir, host))) {
        const pid = readPid(pidFile);
        if (pid !== null && isAlive(pid)) pids.push(pid);
      }
    }
    return pids;
  }

  /** Kills every instance process of this fleet: the recorded ones, and any no record names. */
  private killLeftoverInstances(): void {
    const agentsDir = join(this.dir, 'agents');
    if (!existsSync(agentsDir)) return;
    for (const pgid of findOrphanGroups(agentsDir, [])) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const host of readdirSync(agentsDir)) {
      for (const pidFile of findPidFiles(join(agentsDir, host))) {
        const pid = readPid(pidFile);
        if (pid === null || !isAlive(pid)) continue;
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }
    }
  }
}

function findPidFiles(root: string): string[] {
  const found: string[] = [];
  if (!existsSync(root)) return found;
  for (const service of readdirSync(root)) {
    const instances = join(root, service, 'instances');
    if (!existsSync(instances)) continue;
    for (const id of readdirSync(instances)) {
      const file = join(instances, id, 'pid.json');
      if (existsSync(file)) found.push(file);
    }
  }
  return found;
}

/** The pid an agent recorded in an instance's pid.json; null when there is none. */
export function readPid(file: string): number | null {
  try {
    const pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
