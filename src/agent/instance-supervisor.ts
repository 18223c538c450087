/**
 * Keeps track of every instance process on the host: starts and stops them, adopts the
 * ones a previous agent left running, notices deaths and restarts crashed processes with
 * backoff. Operations on one instance run one at a time; different instances do not wait
 * for each other.
 *
 * A death counts as a crash only while the instance is `wanted` (it was launched and not
 * halted since); `halt` clears `wanted` before signalling, so stopping is never mistaken
 * for crashing.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { planRestart } from './crash-backoff.js';
import type { ExitInfo, LaunchedProcess, LaunchRecord, LaunchSpec, ProcessDriver } from './drivers/process-driver.js';
import { instancesDir } from './host-layout.js';

export type { ExitInfo } from './drivers/process-driver.js';

/** What the supervisor knows about one instance's process right now. */
export interface ProcessSnapshot {
  running: boolean;
  pid: number | null;
  /** Release the running process was started from. */
  version: string | null;
  record: LaunchRecord | null;
  /** Wanted but not running: it died on its own and a restart is due. */
  crashed: boolean;
  /** Resolves when the current process exits; null when none runs. */
  exited: Promise<ExitInfo> | null;
}

/** An instance directory found on disk at start-up, and whether its process was adopted. */
export interface FoundInstance {
  instanceId: string;
  service: string;
  dir: string;
  adopted: boolean;
}

export interface SupervisorOptions {
  root: string;
  log: Logger;
  /** Starts, stops and observes the processes (detached process groups today). */
  driver: ProcessDriver;
  /** The clock crash backoff reads a process's uptime from. */
  now: () => number;
  stopGraceMs: number;
  restartBackoffMs: number;
  /** How often adopted processes (no exit event) are checked for life. */
  livenessPollMs?: number;
  /** Called after any process of the instance started, stopped or died. */
  onChange?: (instanceId: string) => void;
}

interface Tracked {
  dir: string;
  spec: LaunchSpec | null;
  record: LaunchRecord | null;
  exited: Promise<ExitInfo> | null;
  wanted: boolean;
  crashes: number;
  restartTimer: NodeJS.Timeout | null;
  queue: Promise<unknown>;
}

export class InstanceSupervisor {
  private readonly tracked = new Map<string, Tracked>();
  /** Adopted processes have no exit event; these resolve their `exited` when polling finds them dead. */
  private readonly adoptedWatch = new Map<LaunchRecord, () => void>();
  private readonly pollTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: SupervisorOptions) {
    this.pollTimer = setInterval(() => this.pollAdopted(), opts.livenessPollMs ?? 200);
    this.pollTimer.unref();
  }

  /**
   * Adopts every process a previous agent recorded in `<root>/<service>/instances/<id>/pid.json`
   * that still runs with the recorded start time; stale records are removed. Returns the
   * instance directories found, adopted or not.
   */
  async adoptAll(): Promise<FoundInstance[]> {
    const found: FoundInstance[] = [];
    for (const service of await listDirs(this.opts.root)) {
      if (service.startsWith('.')) continue;
      for (const instanceId of await listDirs(instancesDir(this.opts.root, service))) {
        const dir = path.join(instancesDir(this.opts.root, service), instanceId);
        found.push({ instanceId, service, dir, adopted: await this.adopt(instanceId, dir) });
      }
    }
    return found;
  }

  private async adopt(instanceId: string, dir: string): Promise<boolean> {
    const record = await this.opts.driver.adopt(dir);
    if (record === null) return false;
    const t = this.entry(instanceId, dir);
    t.record = record;
    t.wanted = true;
    t.exited = new Promise<ExitInfo>((resolve) => {
      this.adoptedWatch.set(record, () => resolve({ code: null, signal: null }));
    });
    void t.exited.then((info) => this.onExit(instanceId, record, info));
    this.opts.log.info({ instance_id: instanceId, version: record.version, pid: record.pid }, 'adopted running instance process');
    return true;
  }

  /**
   * Starts a process from the instance's `current` release; stops any process it still has
   * first. The result's `exited` resolves when this very process ends, even if it already did.
   */
  launch(spec: LaunchSpec): Promise<LaunchedProcess> {
    return this.serially(spec.instanceId, spec.instanceDir, async (t) => {
      await this.stopProcess(spec.instanceId, t);
      t.spec = spec;
      return this.startProcess(spec.instanceId, t, spec);
    });
  }

  /** Stops the instance's process (through the driver: SIGTERM, SIGKILL after the grace, for detached groups) and keeps it stopped. */
  halt(instanceId: string, dir: string): Promise<void> {
    return this.serially(instanceId, dir, async (t) => {
      t.wanted = false;
      t.crashes = 0;
      clearRestart(t);
      await this.stopProcess(instanceId, t);
    });
  }

  /**
   * Declares that a process should run with this spec, e.g. after an agent restart found the
   * process dead while its instance should be running; starts one unless one runs or is due.
   */
  keepRunning(spec: LaunchSpec): void {
    const t = this.entry(spec.instanceId, spec.instanceDir);
    t.spec = spec;
    if (t.record !== null || t.restartTimer !== null) return;
    t.wanted = true;
    this.scheduleRestart(spec.instanceId, t, 0);
  }

  /** Remembers the latest spec so a crash restart uses current settings. */
  updateSpec(spec: LaunchSpec): void {
    this.entry(spec.instanceId, spec.instanceDir).spec = spec;
  }

  /** Process groups of the instances it supervises (each instance leads its own group). */
  recordedGroups(): number[] {
    return [...this.tracked.values()].flatMap((t) => (t.record === null ? [] : [t.record.pid]));
  }

  snapshot(instanceId: string): ProcessSnapshot {
    const t = this.tracked.get(instanceId);
    const record = t?.record ?? null;
    return {
      running: record !== null,
      pid: record?.pid ?? null,
      version: record?.version ?? null,
      record,
      crashed: t !== undefined && t.wanted && record === null,
      exited: t?.exited ?? null,
    };
  }

  /** Forgets an instance whose directory is gone; call after `halt`. */
  forget(instanceId: string): void {
    const t = this.tracked.get(instanceId);
    if (t !== undefined) clearRestart(t);
    this.tracked.delete(instanceId);
  }

  /** Stops timers; processes keep running, to be adopted by the next agent. */
  close(): void {
    this.closed = true;
    clearInterval(this.pollTimer);
    for (const t of this.tracked.values()) clearRestart(t);
  }

  private async startProcess(instanceId: string, t: Tracked, spec: LaunchSpec): Promise<LaunchedProcess> {
    const launched = await this.opts.driver.start(spec);
    const { record, exited } = launched;
    t.record = record;
    t.wanted = true;
    t.exited = exited;
    void t.exited.then((info) => this.onExit(instanceId, record, info));
    this.opts.log.info({ instance_id: instanceId, version: record.version, pid: record.pid }, 'started instance process');
    this.opts.onChange?.(instanceId);
    return launched;
  }

  private async stopProcess(instanceId: string, t: Tracked): Promise<void> {
    const record = t.record;
    if (record === null) {
      this.opts.driver.forget(t.dir);
      return;
    }
    t.wanted = false;
    const escalated = await this.opts.driver.stop(record, this.opts.stopGraceMs, t.exited ?? undefined);
    if (escalated) this.opts.log.warn({ instance_id: instanceId, pid: record.pid, grace_ms: this.opts.stopGraceMs }, 'instance ignored SIGTERM; it was killed');
    t.record = null;
    t.exited = null;
    this.opts.driver.forget(t.dir);
    this.opts.log.info({ instance_id: instanceId, version: record.version, pid: record.pid }, 'stopped instance process');
    this.opts.onChange?.(instanceId);
  }

  private onExit(instanceId: string, record: LaunchRecord, info: ExitInfo): void {
    this.adoptedWatch.delete(record);
    const t = this.tracked.get(instanceId);
    if (t === undefined || t.record !== record || !t.wanted || this.closed) return;
    t.record = null;
    t.exited = null;
    const plan = planRestart(t.crashes, this.opts.now() - record.started_at, this.opts.restartBackoffMs);
    t.crashes = plan.crashes;
    this.opts.log.warn(
      { instance_id: instanceId, version: record.version, pid: record.pid, exit_code: info.code, signal: info.signal, restart_in_ms: plan.delayMs },
      'instance process died unexpectedly; restarting after backoff',
    );
    this.opts.driver.forget(t.dir);
    this.scheduleRestart(instanceId, t, plan.delayMs);
    this.opts.onChange?.(instanceId);
  }

  private scheduleRestart(instanceId: string, t: Tracked, delayMs: number): void {
    clearRestart(t);
    t.restartTimer = setTimeout(() => {
      t.restartTimer = null;
      void this.serially(instanceId, t.dir, async (current) => {
        if (this.closed || !current.wanted || current.record !== null || current.spec === null) return;
        await this.startProcess(instanceId, current, current.spec);
      }).catch((err: Error) => {
        this.opts.log.error({ instance_id: instanceId, err: err.message }, 'crash restart failed; trying again after backoff');
        const plan = planRestart(t.crashes, 0, this.opts.restartBackoffMs);
        t.crashes = plan.crashes;
        if (t.wanted && !this.closed) this.scheduleRestart(instanceId, t, plan.delayMs);
      });
    }, delayMs);
    t.restartTimer.unref();
  }

  private pollAdopted(): void {
    for (const [record, resolve] of this.adoptedWatch) {
      if (!this.opts.driver.isRunning(record)) resolve();
    }
  }

  private entry(instanceId: string, dir: string): Tracked {
    let t = this.tracked.get(instanceId);
    if (t === undefined) {
      t = { dir, spec: null, record: null, exited: null, wanted: false, crashes: 0, restartTimer: null, queue: Promise.resolve() };
      this.tracked.set(instanceId, t);
    }
    return t;
  }

  private serially<T>(instanceId: string, dir: string, work: (t: Tracked) => Promise<T>): Promise<T> {
    const t = this.entry(instanceId, dir);
    const run = t.queue.then(() => work(t));
    t.queue = run.catch(() => undefined);
    return run;
  }
}

function clearRestart(t: Tracked): void {
  if (t.restartTimer !== null) clearTimeout(t.restartTimer);
  t.restartTimer = null;
}

async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}
