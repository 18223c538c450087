/**
 * A process driver that runs nothing (test support): it keeps its "processes" in memory
 * with the same contract as the detached driver. A start is stamped by the given clock
 * and needs a `current` release; `crash` ends one as if it died on its own, `stop` ends
 * it as if it honoured SIGTERM, and records are kept per instance directory so a second
 * supervisor on the same driver adopts what the first one started.
 */
import { currentVersion } from '../agent/current-link.js';
import type { ExitInfo, LaunchedProcess, LaunchRecord, LaunchSpec, ProcessDriver } from '../agent/drivers/process-driver.js';

interface FakeProcess {
  record: LaunchRecord;
  end: (info: ExitInfo) => void;
}

export class FakeProcessDriver implements ProcessDriver {
  private readonly running = new Map<number, FakeProcess>();
  private readonly records = new Map<string, LaunchRecord>();
  private nextPid = 1000;
  /** Every start, in order: what a test compares. */
  readonly started: LaunchRecord[] = [];

  constructor(private readonly now: () => number) {}

  start(spec: LaunchSpec): Promise<LaunchedProcess> {
    const version = currentVersion(spec.instanceDir);
    if (version === null) return Promise.reject(new Error(`instance ${spec.instanceId} has no current release to start`));
    const pid = this.nextPid++;
    const record: LaunchRecord = { pid, start_time: pid, version, port: spec.port, health_path: spec.healthPath, version_path: spec.versionPath, started_at: this.now() };
    let end: (info: ExitInfo) => void = () => undefined;
    const exited = new Promise<ExitInfo>((resolve) => (end = resolve));
    this.running.set(pid, { record, end });
    this.records.set(spec.instanceDir, record);
    this.started.push(record);
    return Promise.resolve({ record, exited });
  }

  async stop(record: LaunchRecord): Promise<boolean> {
    this.end(record.pid, { code: null, signal: 'SIGTERM' });
    return false;
  }

  isRunning(record: LaunchRecord): boolean {
    return this.running.get(record.pid)?.record === record;
  }

  async adopt(instanceDir: string): Promise<LaunchRecord | null> {
    const record = this.records.get(instanceDir) ?? null;
    if (record !== null && this.isRunning(record)) return record;
    this.records.delete(instanceDir);
    return null;
  }

  forget(instanceDir: string): void {
    this.records.delete(instanceDir);
  }

  /** Ends the process as if it died on its own with `code`. */
  crash(pid: number, code = 1): void {
    this.end(pid, { code, signal: null });
  }

  private end(pid: number, info: ExitInfo): void {
    const p = this.running.get(pid);
    if (p === undefined) return;
    this.running.delete(pid);
    p.end(info);
  }
}
