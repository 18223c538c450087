/**
 * The seam between the supervisor and whatever runs instance processes. The supervisor
 * decides when to start, stop, adopt and restart; a driver only carries that out on the
 * host. Today's driver runs detached process groups (`detached-process-driver.ts`); a
 * systemd unit or a Kubernetes workload can be another, behind the same four calls.
 */
import type { VersionCheck } from '../../core/version-check.js';
import type { LaunchRecord } from '../launch-record.js';

export type { LaunchRecord } from '../launch-record.js';

/** Everything needed to (re)start an instance's process; the version comes from `current`. */
export interface LaunchSpec {
  instanceId: string;
  service: string;
  instanceDir: string;
  port: number;
  /** Shell command run with `sh -c` inside the release directory (see `shellScript`). */
  start: string;
  env: Record<string, string>;
  healthPath: string;
  versionPath: string;
  /** How the version is proven; recorded at launch so an adopted process is proven the same way. Absent: `http` on `versionPath`. */
  versionCheck?: VersionCheck;
  /** W3C trace context the instance gets as `TRACEPARENT`: its start span's, else its goal's. */
  traceparent?: string;
}

/** How a process ended. */
export interface ExitInfo {
  /** Null for signals, and for adopted processes, whose exit status only their parent saw. */
  code: number | null;
  signal: string | null;
}

export interface LaunchedProcess {
  /** What runs, as written to the instance's `pid.json`. */
  record: LaunchRecord;
  /** Watched from the moment of the start, so even an instant death is seen. */
  exited: Promise<ExitInfo>;
}

export interface ProcessDriver {
  /**
   * Starts the instance's process from its `current` release and records it in the
   * instance directory; throws when there is nothing to start or it cannot start.
   */
  start(spec: LaunchSpec): Promise<LaunchedProcess>;
  /**
   * Ends the recorded process and everything it started: a polite signal, `graceMs` to
   * finish, then a forced end. Resolves once all of it is gone; true when force was
   * needed. `exited`, when known, lets the driver notice the end sooner.
   */
  stop(record: LaunchRecord, graceMs: number, exited?: Promise<ExitInfo>): Promise<boolean>;
  /** True while that very process runs (not merely something with the same id). */
  isRunning(record: LaunchRecord): boolean;
  /**
   * The process a previous agent recorded in `instanceDir`, when it still runs; a record
   * of a process that has gone is removed. Null when nothing is there to adopt.
   */
  adopt(instanceDir: string): Promise<LaunchRecord | null>;
  /** Removes the instance's record once its process is known to be gone. */
  forget(instanceDir: string): void;
}
