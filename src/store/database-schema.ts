/**
 * The tables behind the Store, as kysely sees them. Columns are snake_case and portable
 * between SQLite and PostgreSQL: timestamps are epoch-ms `bigint` (read back as numbers on
 * both engines), booleans are integers 0/1, and structured values are JSON text that the
 * row mappers serialise. Migrations in `migrations/` create exactly these shapes.
 */
import type { Generated } from 'kysely';
import type { Alert } from '../core/alerts/alert-types.js';
import type { ChannelEntry } from '../core/channels/channel-entry.js';
import type { ApiToken, Session } from '../core/types.js';

/** SQLite has no boolean type; both engines store 0 or 1. */
export type BooleanColumn = 0 | 1;

/** One row per release; never updated once inserted. Primary key (service, version). */
export interface ReleaseTable {
  service: string;
  version: string;
  package_url: string;
  sha256: string;
  git_sha: string | null;
  build_time: string | null;
  registered_at: number;
}

/** Declared service fields plus the fleet-wide desired and previous versions. */
export interface ServiceTable {
  name: string;
  start: string;
  health_path: string;
  version_path: string;
  /** JSON object of environment variables. */
  env_json: string;
  /** JSON array of post-deploy checks. */
  verify_json: string;
  /** JSON strategy, or null for "all at once unless the request says otherwise". */
  strategy_json: string | null;
  drift_policy: string;
  keep_releases: number;
  drain_s: number;
  desired_version: string | null;
  previous_version: string | null;
  /** Migration 009: who is paged for the service's alerts. */
  oncall: string | null;
  /** Migration 009: JSON object, alert name → runbook URL. */
  runbooks_json: string;
  /** Migration 012: JSON readiness spec, JSON replay spec, 0/1 or null, JSON channels object. */
  readiness_json: string | null;
  replay_json: string | null;
  replay_after_rollback: BooleanColumn | null;
  channels_json: string;
  /** Migration 017: JSON traffic, analysis and rollback-trigger specs, or null; the rollback batch share. */
  traffic_json: string | null;
  analysis_json: string | null;
  rollback_triggers_json: string | null;
  rollback_batch_percent: number | null;
  /** Migration 019: JSON VersionCheck, or null (= http on version_path). */
  version_check_json: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * An instance, its goal flattened into `goal_*` columns and its latest observation into
 * nullable `observed_*` columns (all null until the agent first reports).
 */
export interface InstanceTable {
  instance_id: string;
  service: string;
  host: string;
  port: number;
  pinned_version: string | null;
  goal_version: string | null;
  goal_generation: number;
  goal_action: string;
  goal_timeout_s: number;
  /** JSON GoalOperation: the operation that set the goal; null when none did (migration 008). */
  goal_operation_json: string | null;
  observed_status: string | null;
  observed_version: string | null;
  observed_pid: number | null;
  achieved_generation: number | null;
  /** JSON GoalOutcome or null. */
  outcome_json: string | null;
  observed_at: number | null;
  removed_at: number | null;
  /** JSON InstanceIsolation while drift handling keeps the instance out of service; null otherwise (migration 005). */
  isolation_json: string | null;
  /** Migration 016: JSON ReplayHold, or null. */
  replay_hold: string | null;
  /** Migration 017: JSON InstanceTraffic, or null. */
  traffic_json: string | null;
  /** Migration 019: JSON VersionProof of the latest observation, or null. */
  observed_proof_json: string | null;
  created_at: number;
}

export interface HostTable {
  host: string;
  address: string;
  agent_version: string | null;
  last_heartbeat_at: number;
  /** JSON Record<service, versions[]>; null before the first heartbeat that reported it (migration 003). */
  kept_releases_json: string | null;
}

/** Deployments, restarts and rollbacks; ids are chosen by the caller. */
export interface OperationTable {
  id: string;
  kind: string;
  service: string;
  version: string | null;
  whole_service: BooleanColumn;
  status: string;
  /** JSON Reason or null. */
  reason_json: string | null;
  /** JSON StrategySpec. */
  strategy_json: string;
  timeout_s: number;
  retry_count: number;
  auto_rollback: BooleanColumn;
  /** JSON RolloutState; null on rows written before migration 003. */
  rollout_json: string | null;
  actor: string;
  correlation_id: string;
  /** Migration 010: the starting request and the operation's trace; null on older rows. */
  request_id: string | null;
  trace_id: string | null;
  trace_root_span_id: string | null;
  trace_parent_span_id: string | null;
  trace_flags: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

/** One instance inside an operation. Primary key (operation_id, instance_id). */
export interface OperationTargetTable {
  operation_id: string;
  instance_id: string;
  from_version: string | null;
  to_version: string | null;
  status: string;
  attempts: number;
  generation: number | null;
  changed: BooleanColumn;
  started_at: number | null;
  healthy_at: number | null;
  updated_at: number;
  /** JSON Reason or null. */
  reason_json: string | null;
}

/**
 * Version history per instance. At most one open interval (`to_at` null) per instance,
 * enforced by a partial unique index.
 */
export interface InstanceVersionTable {
  id: Generated<number>;
  instance_id: string;
  version: string;
  from_at: number;
  to_at: number | null;
}

/** Append-only audit log; `id` is assigned by the database and only grows. */
export interface AuditEventTable {
  id: Generated<number>;
  at: number;
  type: string;
  service: string | null;
  version: string | null;
  instance_id: string | null;
  deploy_id: string | null;
  actor: string;
  correlation_id: string;
  /** Migration 010; null on older rows and for events no trace or request caused. */
  trace_id: string | null;
  request_id: string | null;
  /** JSON object. */
  details_json: string;
}

/**
 * Client sessions (migration 004); primary key session_id. A row is the `Session` record
 * column for column (no JSON or renamed columns), so it is stored and read as is.
 */
export type SessionTable = Session;

/** Named API tokens (migration 007), column for column the `ApiToken` record. */
export type ApiTokenTable = ApiToken;

/** Alerts (migration 009), column for column the `Alert` record. */
export type AlertTable = Alert;

/** The alert delivery outbox (migration 009); `alerts_json` is the JSON array of alerts. */
export interface AlertDeliveryTable {
  delivery_id: string;
  target: string;
  alerts_json: string;
  attempts: number;
  next_attempt_at: number;
  queued_at: number;
  last_error: string | null;
}

/** Release evidence (migration 012), append-only; `check_name` is the record's `check`. */
export interface ReleaseEvidenceTable {
  id: Generated<number>;
  service: string;
  version: string;
  check_name: string;
  passed: BooleanColumn;
  summary: string | null;
  url: string | null;
  details_json: string | null;
  source: string;
  actor: string;
  correlation_id: string;
  recorded_at: number;
}

/** Freeze windows (migration 014); `recurrence_json` is the weekly recurrence or null for a one-off window. */
export interface FreezeTable {
  freeze_id: string;
  service: string | null;
  starts_at: number;
  ends_at: number;
  reason: string;
  recurrence_json: string | null;
  created_at: number;
  created_by: string;
  removed_at: number | null;
  removed_by: string | null;
}
/** Channel history (migration 015), column for column the `ChannelEntry` record; the id comes from the database. */
export type ChannelHistoryTable = Omit<ChannelEntry, 'id'> & { id: Generated<number> };
/** The newest readiness evaluation of each release (migration 013); the verdict as JSON. */
export interface ReadinessEvaluationTable {
  service: string;
  version: string;
  admitted: BooleanColumn;
  verdict_json: string;
  evaluated_at: number;
  actor: string;
  correlation_id: string;
}

/** Staging replay runs (migration 016); see core/replay/replay-record.ts. */
export interface ReplayTable {
  replay_id: string;
  service: string;
  version: string;
  baseline_version: string | null;
  purpose: string;
  instances_json: string;
  status: string;
  passed: BooleanColumn | null;
  requests: number;
  difference_count: number;
  differences_json: string;
  noise_filtered: number;
  noise_fields_json: string;
  noise_filtering: BooleanColumn | null;
  reason_json: string | null;
  staging_host: string | null;
  staging_wanted: BooleanColumn;
  staging_port: number | null;
  staging_status: string | null;
  staging_reason: string | null;
  answers_json: string | null;
  actor: string;
  correlation_id: string;
  started_at: number;
  completed_at: number | null;
}

/** Analysis measurements (migration 018); see core/analysis/analysis-measurement.ts. */
export interface AnalysisMeasurementTable {
  id: Generated<number>;
  operation_id: string;
  phase: string;
  query_name: string;
  verdict: string;
  values_json: string;
  reason: string;
  measured_at: number;
}

/** Every table the store owns, keyed by table name. */
export interface Database {
  releases: ReleaseTable;
  services: ServiceTable;
  instances: InstanceTable;
  hosts: HostTable;
  operations: OperationTable;
  operation_targets: OperationTargetTable;
  instance_versions: InstanceVersionTable;
  audit_events: AuditEventTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  alerts: AlertTable;
  alert_deliveries: AlertDeliveryTable;
  release_evidence: ReleaseEvidenceTable;
  freezes: FreezeTable;
  channel_history: ChannelHistoryTable;
  readiness_evaluations: ReadinessEvaluationTable;
  replays: ReplayTable;
  analysis_measurements: AnalysisMeasurementTable;
}
