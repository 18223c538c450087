/**
 * Ephemeral staging instances for replays (CONTRACT §4 "Staging replay"). Each one is a
 * release of a service run outside the service's instances: installed with the same
 * installer (sha256-checked, into the service's releases directory), started by the same
 * process driver (its own process group, output in its own log) from
 * `<root>/<service>/staging/<staging_id>/`, on a free loopback port picked here.
 *
 * Invariants: a staging instance whose health never answers 2xx within
 * `ready_timeout_s` is reported `failed` and its process group stopped; one whose entry
 * leaves the assignments, or that outlives `lifetime_s`, or that is running when the
 * agent stops, is stopped and its directory removed. Nothing here outlives the agent.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StagingAssignment, StagingReport } from '../../core/agent-protocol.js';
import { switchCurrentLink } from '../current-link.js';
import type { LaunchedProcess, ProcessDriver } from '../drivers/process-driver.js';
import { installRelease } from '../release-installer.js';
import type { InstallLimits } from '../install-limits.js';
import { freeLoopbackPort } from '../../transport/free-loopback-port.js';
import { waitForHealth } from './staging-probe.js';

export interface StagingRunnerOptions {
  root: string;
  driver: ProcessDriver;
  log: Logger;
  stopGraceMs: number;
  /** Called when a report changed, so the heartbeat goes at once. */
  onChange: () => void;
  limits?: InstallLimits;
  ca?: string;
}

interface Running {
  entry: StagingAssignment;
  report: StagingReport;
  abort: AbortController;
  launched: LaunchedProcess | null;
  lifetime: NodeJS.Timeout;
  /** The whole life of the staging instance: start, wait, and the stop it ends with. */
  done: Promise<void>;
  /** Set once it is being retired, so each poll that no longer lists it does not retire it again. */
  retiring: Promise<void> | null;
}

/** Where a staging instance's `current` link, `pid.json` and log live. */
export function stagingDir(root: string, service: string, stagingId: string): string {
  return path.join(root, service, 'staging', stagingId);
}

/**
 * Removes staging directories a previous agent left (it was killed before it could stop
 * them). Their processes work inside the root, so start-up's orphan sweep has stopped them.
 */
export async function removeLeftoverStaging(root: string): Promise<void> {
  const services = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const entry of services) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) await rm(path.join(root, entry.name, 'staging'), { recursive: true, force: true });
  }
}

export class StagingRunner {
  readonly #running = new Map<string, Running>();

  constructor(private readonly opts: StagingRunnerOptions) {}

  /** Level-triggered like the instances: starts new entries, stops those no longer listed. */
  apply(entries: StagingAssignment[]): void {
    const wanted = new Set(entries.map((e) => e.staging_id));
    for (const [id, run] of this.#running) if (!wanted.has(id)) this.#contain(this.#retire(id, run), id, 'cannot remove the staging instance');
    for (const entry of entries) if (!this.#running.has(entry.staging_id)) this.#begin(entry);
  }

  /** What each staging instance the server still lists is doing. */
  reports(): StagingReport[] {
    return [...this.#running.values()].map((r) => ({ ...r.report }));
  }

  /** Stops every staging instance (agent shutdown). */
  async close(): Promise<void> {
    const stopped = await Promise.allSettled([...this.#running].map(([id, run]) => this.#retire(id, run)));
    for (const s of stopped) if (s.status === 'rejected') this.opts.log.error({ err: s.reason }, 'cannot remove a staging instance at shutdown');
  }

  #begin(entry: StagingAssignment): void {
    const abort = new AbortController();
    const run: Running = {
      entry,
      report: { staging_id: entry.staging_id, port: null, status: 'starting', reason: null },
      abort,
      launched: null,
      lifetime: setTimeout(() => this.#contain(this.#expire(run), entry.staging_id, 'cannot stop the staging instance at its lifetime cap'), entry.lifetime_s * 1000),
      done: Promise.resolve(),
      retiring: null,
    };
    run.lifetime.unref();
    this.#running.set(entry.staging_id, run);
    run.done = this.#runToEnd(run).catch((err: unknown) => this.#fail(run, `staging failed: ${(err as Error).message}`));
  }

  async #runToEnd(run: Running): Promise<void> {
    const { entry } = run;
    const installed = await installRelease(this.opts.root, entry.service, entry.version, entry.release, { signal: run.abort.signal, ...(this.opts.limits ? { limits: this.opts.limits } : {}), ...(this.opts.ca !== undefined ? { ca: this.opts.ca } : {}) });
    if (!installed.ok) return this.#fail(run, `install failed (${installed.code}): ${installed.message}`);
    if (run.abort.signal.aborted) return;
    const dir = stagingDir(this.opts.root, entry.service, entry.staging_id);
    switchCurrentLink(dir, entry.version);
    const port = await freeLoopbackPort();
    run.report = { ...run.report, port };
    this.opts.onChange();
    run.launched = await this.opts.driver.start({ instanceId: entry.staging_id, service: entry.service, instanceDir: dir, port, start: entry.start, env: entry.env, healthPath: entry.health_path, versionPath: entry.version_path ?? '/version' });
    this.opts.log.info({ staging_id: entry.staging_id, service: entry.service, version: entry.version, port, pid: run.launched.record.pid }, 'staging instance started');
    const health = await waitForHealth(port, entry.health_path, entry.ready_timeout_s * 1000, run.launched.exited, run.abort.signal);
    if (run.abort.signal.aborted) return;
    if (!health.ok) {
      await this.#stopProcess(run);
      return this.#fail(run, health.reason);
    }
    run.report = { ...run.report, status: 'ready' };
    this.opts.onChange();
    // Dies on its own before it is retired: tell the server.
    void run.launched.exited.then(() => {
      if (!run.abort.signal.aborted && this.#running.get(entry.staging_id) === run) this.#fail(run, 'the staging process exited');
    });
  }

  /** The hard lifetime cap: the process stops whatever the server says; the entry stays, failed, until withdrawn. */
  async #expire(run: Running): Promise<void> {
    run.abort.abort();
    await run.done;
    await this.#stopProcess(run);
    this.#fail(run, `stopped: the staging lifetime of ${run.entry.lifetime_s} s was reached`);
  }

  /** A background stop or removal that fails (a driver error, a directory that will not go) is logged, never an unhandled rejection that ends the agent. */
  #contain(work: Promise<void>, stagingId: string, what: string): void {
    work.catch((err: unknown) => this.opts.log.error({ err, staging_id: stagingId }, what));
  }

  #fail(run: Running, reason: string): void {
    run.report = { ...run.report, status: 'failed', reason: reason.slice(0, 2000) };
    this.opts.log.warn({ staging_id: run.entry.staging_id, reason }, 'staging instance failed');
    this.opts.onChange();
  }

  #retire(id: string, run: Running): Promise<void> {
    // A failed retirement is tried again by the next poll that does not list the entry.
    run.retiring ??= this.#retireOnce(id, run).catch((err: unknown) => {
      run.retiring = null;
      throw err;
    });
    return run.retiring;
  }

  async #retireOnce(id: string, run: Running): Promise<void> {
    run.abort.abort();
    clearTimeout(run.lifetime);
    await run.done;
    await this.#stopProcess(run);
    await rm(stagingDir(this.opts.root, run.entry.service, id), { recursive: true, force: true });
    if (this.#running.get(id) === run) this.#running.delete(id);
    this.opts.log.info({ staging_id: id }, 'staging instance removed');
  }

  async #stopProcess(run: Running): Promise<void> {
    const launched = run.launched;
    if (launched === null) return;
    run.launched = null;
    await this.opts.driver.stop(launched.record, this.opts.stopGraceMs, launched.exited);
    this.opts.driver.forget(stagingDir(this.opts.root, run.entry.service, run.entry.staging_id));
  }
}
