/**
 * Alerts as data (CONTRACT §3 Alerts): the nine rules' names and severities, the stored
 * alert record, and the plan the pure evaluator returns. One alert stands for one cause
 * (`cause_key`) while it is firing; the store refuses a second firing alert with the same
 * cause, so neither a restart nor a second replica can page twice for one thing.
 */

export const ALERT_SEVERITY = {
  DeploymentRolledBack: 'P0',
  DeploymentFailed: 'P1',
  RollbackPerformed: 'P2',
  NoReadyInstanceOnDesiredVersion: 'P0',
  VerificationFailed: 'P1',
  DriftPersisting: 'P1',
  AgentSilent: 'P1',
  RollbackSlow: 'P2',
  ProgressDeadlineExceeded: 'P2',
} as const;

export type AlertName = keyof typeof ALERT_SEVERITY;
export type AlertSeverity = (typeof ALERT_SEVERITY)[AlertName];
export type AlertState = 'firing' | 'resolved';

export const ALERT_NAMES = Object.keys(ALERT_SEVERITY) as AlertName[];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['P0', 'P1', 'P2'];
export const ALERT_STATES: readonly AlertState[] = ['firing', 'resolved'];

export function isAlertName(value: string): value is AlertName {
  return Object.hasOwn(ALERT_SEVERITY, value);
}

/** One alert as stored and as the API shows it (times in epoch ms here, ISO at the edge). */
export interface Alert {
  id: string;
  name: AlertName;
  severity: AlertSeverity;
  state: AlertState;
  service: string;
  /**
   * What the alert is about, e.g. `DeploymentRolledBack:hello:dep-1` or
   * `AgentSilent:hello:host-a`. Unique among firing alerts.
   */
  cause_key: string;
  summary: string;
  current_version: string | null;
  previous_version: string | null;
  deploy_id: string | null;
  rollback_id: string | null;
  correlation_id: string;
  runbook_url: string | null;
  oncall: string | null;
  started_at: number;
  resolved_at: number | null;
}

/** A firing alert the evaluator wants opened; the applier gives it an id. */
export type AlertDraft = Omit<Alert, 'id' | 'state' | 'resolved_at' | 'correlation_id'> & {
  /** The causing operation's correlation id; null when no operation caused it (the applier uses the alert id). */
  correlation_id: string | null;
};

/** What one evaluation decided: alerts to open, and firing alerts whose cause cleared. */
export interface AlertPlan {
  open: AlertDraft[];
  resolve: Array<Pick<Alert, 'id' | 'name' | 'service' | 'cause_key'>>;
}

/** The thresholds of the rules, read once from the environment by the server. */
export interface AlertRuleConfig {
  /** DriftPersisting: seconds an instance may stay isolated for drift (FERRY_ALERT_DRIFT_S, 60). */
  driftS: number;
  /** AgentSilent fires after 3 of these (FERRY_HEARTBEAT_S). */
  heartbeatS: number;
  /** RollbackSlow: minutes a rollback may take (ROLLBACK_MAX_MINUTES, 10). */
  rollbackMaxMinutes: number;
  /**
   * How long an alert about a finished operation stays firing when no later operation of
   * the service succeeds (FERRY_ALERT_HOLD_S, 3600).
   */
  holdS: number;
  /** FERRY_RUNBOOK_BASE_URL; null when unset. */
  runbookBaseUrl: string | null;
  /** FERRY_DEFAULT_ONCALL; null when unset. */
  defaultOncall: string | null;
}

export const DEFAULT_ALERT_RULE_CONFIG: Omit<AlertRuleConfig, 'heartbeatS'> = {
  driftS: 60,
  rollbackMaxMinutes: 10,
  holdS: 3600,
  runbookBaseUrl: null,
  defaultOncall: null,
};

export type AlertDeliveryTarget = 'webhook' | 'alertmanager';

/**
 * One queued delivery of some alerts to one receiver (the persistent outbox). It stays
 * queued until the receiver accepts it or the retry window ends, across server restarts.
 */
export interface AlertDelivery {
  delivery_id: string;
  target: AlertDeliveryTarget;
  /** The alerts as they were when queued (a resolve carries resolved_at). */
  alerts: Alert[];
  /** Failed attempts so far. */
  attempts: number;
  next_attempt_at: number;
  queued_at: number;
  /** Why the last attempt failed (never a secret: status code or error code). */
  last_error: string | null;
}
