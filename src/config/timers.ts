/**
 * Every interval Ferry waits on, read from the environment so tests can run fast
 * (CONTRACT, Timers). Read once at process start by the edges (server, agent), then
 * passed down as data.
 */
export interface Timers {
  /** Agent heartbeat interval (FERRY_HEARTBEAT_S, default 5). */
  heartbeatS: number;
  /** Longest an assignments long-poll waits (FERRY_LONG_POLL_S, default 25). */
  longPollS: number;
  /** Agent's health/version probe interval (FERRY_PROBE_INTERVAL_MS, default 1000). */
  probeIntervalMs: number;
  /** Grace between SIGTERM and SIGKILL when stopping an instance (FERRY_STOP_GRACE_S, default 10). */
  stopGraceS: number;
  /** Reconcile loop period (FERRY_RECONCILE_MS, default 500); it also runs at once on any event. */
  reconcileMs: number;
  /** How long a session's record is kept after it expires (FERRY_SESSION_RETENTION_S, default 86400: a day). */
  sessionRetentionS: number;
  /** How long `GET /api/v1/instances/{id}/logs` waits for the agent's answer before a 503 (FERRY_LOG_REQUEST_TIMEOUT_S, default 5). */
  logRequestS: number;
  /** How often an open audit stream sends a heartbeat comment, so proxies keep it open (FERRY_AUDIT_HEARTBEAT_S, default 15). */
  auditHeartbeatS: number;
}

export function readTimers(env: NodeJS.ProcessEnv = process.env): Timers {
  return {
    heartbeatS: positiveNumber(env.FERRY_HEARTBEAT_S, 5),
    longPollS: positiveNumber(env.FERRY_LONG_POLL_S, 25),
    probeIntervalMs: positiveNumber(env.FERRY_PROBE_INTERVAL_MS, 1000),
    stopGraceS: positiveNumber(env.FERRY_STOP_GRACE_S, 10),
    reconcileMs: positiveNumber(env.FERRY_RECONCILE_MS, 500),
    sessionRetentionS: positiveNumber(env.FERRY_SESSION_RETENTION_S, 86_400),
    logRequestS: positiveNumber(env.FERRY_LOG_REQUEST_TIMEOUT_S, 5),
    auditHeartbeatS: positiveNumber(env.FERRY_AUDIT_HEARTBEAT_S, 15),
  };
}

function positiveNumber(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`expected a positive number, got "${raw}"`);
  return value;
}
