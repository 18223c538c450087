/**
 * The first process driver: each instance runs as a detached process group the agent
 * does not hold open (`process-launcher.ts`), recorded in `pid.json` with its start time
 * (`launch-record.ts`), judged alive by pid and start time together
 * (`process-liveness.ts`) and stopped group-wide, SIGTERM then SIGKILL
 * (`stop-process-group.ts`). Processes outlive the agent, so the next one adopts them.
 */
import { readLaunchRecord, removeLaunchRecord, type LaunchRecord } from '../launch-record.js';
import { launchProcess } from '../process-launcher.js';
import { isAlive } from '../process-liveness.js';
import { stopProcessGroup } from '../stop-process-group.js';
import type { ExitInfo, LaunchedProcess, LaunchSpec, ProcessDriver } from './process-driver.js';

export class DetachedProcessDriver implements ProcessDriver {
  /** `now` stamps each start (the log marker and `started_at` in `pid.json`) and times a stop's grace. */
  constructor(private readonly now: () => number = Date.now) {}

  start(spec: LaunchSpec): Promise<LaunchedProcess> {
    return launchProcess(spec, this.now);
  }

  stop(record: LaunchRecord, graceMs: number, exited?: Promise<ExitInfo>): Promise<boolean> {
    return stopProcessGroup(record, graceMs, exited, this.now);
  }

  isRunning(record: LaunchRecord): boolean {
    return isAlive(record);
  }

  async adopt(instanceDir: string): Promise<LaunchRecord | null> {
    const record = await readLaunchRecord(instanceDir);
    if (record === null) return null;
    if (isAlive(record)) return record;
    removeLaunchRecord(instanceDir);
    return null;
  }

  forget(instanceDir: string): void {
    removeLaunchRecord(instanceDir);
  }
}
