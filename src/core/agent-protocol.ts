/**
 * The wire contract between `ferry server` and `ferry agent`. The agent pulls: it
 * long-polls its host's assignments and reports what it sees in heartbeats, so a host
 * behind NAT works and a server restart loses nothing (DESIGN.md, Processes).
 *
 *   GET  /api/v1/agents/{host}/assignments?after=REVISION&wait_s=N  -> Assignments
 *        answers at once when the revision differs from `after`, else when it changes,
 *        else after wait_s seconds with the same revision.
 *   POST /api/v1/agents/{host}/heartbeat  HeartbeatReport -> HeartbeatAck
 *        registers the host on first call; sent every heartbeat_s and at once after
 *        any goal outcome, so the server learns results without waiting a full interval.
 *        assignments may list `staging` instances for replays, and heartbeats report them.
 *   POST /api/v1/agents/{host}/logs/{request_id}  LogAnswer -> {ok: true}
 *        the answer to a `log_requests` entry of the assignments: the tail of one of
 *        this host's instance logs (`ferry logs`, src/agent/README.md).
 */
import type { GoalOperation, GoalOutcome, ObservedStatus, Reason, VerifyCheck } from './types.js';
import type { VersionCheck, VersionSource } from './version-check.js';

/** Everything the agent needs to run one instance; level-triggered, whole state each time. */
export interface InstanceAssignment {
  instance_id: string;
  service: string;
  port: number;
  /** Version to run; null means no process should run (instance not deployed yet or returned to nothing). */
  version: string | null;
  generation: number;
  action: 'run' | 'restart';
  timeout_s: number;
  /** Where to fetch `version` when it is not kept on disk; null when version is null. */
  release: { package_url: string; sha256: string } | null;
  start: string;
  env: Record<string, string>;
  health_path: string;
  version_path: string;
  /** How to prove the running version (absent from older servers: `http` on `version_path`). */
  version_check?: VersionCheck;
  verify: VerifyCheck[];
  keep_releases: number;
  /** Releases never garbage-collected: the service's desired and previous desired versions. */
  protected_versions: string[];
  drain_s: number;
  /**
   * The operation this goal belongs to (id, kind, the starting request's correlation id and
   * trace context), for the agent's log lines; null when no operation set the goal. Absent
   * from older servers, and older agents ignore it, so a mismatched pair keeps working.
   */
  operation?: GoalOperation | null;
}

export interface Assignments {
  host: string;
  revision: string;
  heartbeat_s: number;
  instances: InstanceAssignment[];
  /** Logs someone is waiting for now; each is answered once, by request_id (absent from older servers). */
  log_requests?: LogRequest[];
  /** Ephemeral staging instances for replays (absent from older servers); an entry that leaves the list is stopped. */
  staging?: StagingAssignment[];
}

/**
 * One ephemeral staging instance of a release (CONTRACT §4 "Staging replay"): not one of
 * the service's instances. The agent installs the release (sha256-checked), starts it on
 * a free loopback port it picks, and reports it ready once `health_path` answers 2xx.
 */
export interface StagingAssignment {
  staging_id: string;
  service: string;
  version: string;
  start: string;
  env: Record<string, string>;
  health_path: string;
  /** The service's `version_path` (absent from an older server: `/version`). */
  version_path?: string;
  release: { package_url: string; sha256: string };
  /** Health must answer 2xx within this many seconds, else the staging instance fails and is stopped. */
  ready_timeout_s: number;
  /** Hard cap on how long it runs, whatever the server says later. */
  lifetime_s: number;
}

export type StagingStatusReport = 'starting' | 'ready' | 'failed';

export interface StagingReport {
  staging_id: string;
  /** The loopback port it listens on; null before it was started. */
  port: number | null;
  status: StagingStatusReport;
  reason: string | null;
}

/**
 * The longest strings a heartbeat's instance report may carry; the server refuses a longer
 * one (the whole heartbeat), so the agent cuts its own text to these before sending
 * (`boundInstanceReport`). A version check's path or argv may be longer than a report's
 * text, and an app's answer is anybody's.
 */
export const REPORT_TEXT_LIMITS = { version: 128, code: 64, sourceDetail: 1024, message: 8192 } as const;

/** The most lines and bytes one log answer holds; the server clamps requests to these. */
export const MAX_LOG_LINES = 1000;
export const MAX_LOG_BYTES = 256 * 1024;

/** Read one instance's `logs/instance.log`: its last `lines` lines, or with `after` what follows that byte offset. */
export interface LogRequest {
  request_id: string;
  instance_id: string;
  service: string;
  lines: number;
  /** Byte offset a follower read up to (the previous answer's `next_after`); null for a tail. */
  after: number | null;
  max_bytes: number;
}

export interface LogAnswer {
  lines: string[];
  /** Where the next `after` read continues: the end of what was read. */
  next_after: number;
  /** True when older lines, or lines past the byte bound, were left out. */
  truncated: boolean;
  /** Set when the agent could not read the log (an instance it does not run). */
  error: { code: string; message: string } | null;
}

export interface InstanceReport {
  instance_id: string;
  service: string;
  status: ObservedStatus;
  /** What the instance's version probe answered; null when it did not answer. */
  version: string | null;
  /** How `version` was proven (absent from older agents). */
  version_source?: VersionSource | null;
  /** Set when a `process` proof found code Ferry did not start on the port (absent from older agents). */
  version_refusal?: Reason | null;
  pid: number | null;
  /** Latest goal generation the agent finished working on (success or failure). */
  achieved_generation: number;
  outcome: GoalOutcome | null;
}

export interface HeartbeatReport {
  address: string;
  agent_version: string;
  instances: InstanceReport[];
  /** Releases unpacked under `<root>/<service>/releases/`, by service (absent from older agents). */
  kept_releases?: Record<string, string[]>;
  /** Staging instances this agent runs for replays (absent from older agents). */
  staging?: StagingReport[];
}

/** Only an acknowledgement: new goals reach the agent through the assignments long-poll. */
export interface HeartbeatAck {
  ok: true;
}
