/**
 * Ferry's domain model as plain data. Timestamps are epoch milliseconds inside Ferry
 * and ISO-8601 only at the API edge, so the core can compare them without parsing.
 */
import type { ChannelSpec, ReadinessSpec, ReplaySpec } from './release-gate-specs.js';
import type { AnalysisSpec, RollbackTriggersSpec } from './analysis/analysis-spec.js';
import type { InstanceTraffic, TrafficSpec } from './traffic/traffic-spec.js';
import type { VersionCheck, VersionProof } from './version-check.js';
import type { VerifyCheck } from './smoke/smoke-chain.js';

export type { ChannelSpec, ReadinessSpec, ReplayRequest, ReplaySpec } from './release-gate-specs.js';
export type { AnalysisQuery, AnalysisSpec, RollbackTriggersSpec } from './analysis/analysis-spec.js';
export type { InstanceTraffic, TrafficIntent, TrafficSpec } from './traffic/traffic-spec.js';
export type { VersionCheck, VersionProof, VersionSource } from './version-check.js';
/** A post-deploy check run against each new instance once it is healthy: one request, or a smoke chain. */
export type { SingleVerifyCheck, SmokeChain, SmokeStep, VerifyCheck } from './smoke/smoke-chain.js';

/** An immutable build of a service (seed 000 R1). Identity: service + version. */
export interface Release {
  service: string;
  version: string;
  package_url: string;
  sha256: string;
  git_sha: string | null;
  build_time: string | null;
  registered_at: number;
}

export type StrategySpec =
  | { type: 'all_at_once'; min_healthy_time_s?: number; healthy_deadline_s?: number; progress_deadline_s?: number; auto_rollback?: boolean }
  | {
      type: 'rolling';
      batch_size?: number;
      batch_percent?: number;
      min_healthy_time_s?: number;
      healthy_deadline_s?: number;
      progress_deadline_s?: number;
      auto_rollback?: boolean;
    }
  | {
      type: 'canary';
      /** `weight` (CONTRACT §5) also sets the canary's share of traffic through the service's adapter. */
      steps?: Array<{ instances?: number; percent?: number; weight?: number; pause?: 'until_promoted'; pause_s?: number }>;
      batch_size?: number;
      min_healthy_time_s?: number;
      healthy_deadline_s?: number;
      progress_deadline_s?: number;
      auto_rollback?: boolean;
    };

export type DriftPolicy = 'rebuild' | 'quarantine' | 'mark_unhealthy';


/** What an operator declared about a service, plus the fleet-wide desired version. */
export interface Service {
  name: string;
  start: string;
  health_path: string;
  version_path: string;
  /** How agents prove the running version (CONTRACT §2); null = `http` on `version_path`. */
  version_check: VersionCheck | null;
  env: Record<string, string>;
  verify: VerifyCheck[];
  strategy: StrategySpec | null;
  drift_policy: DriftPolicy;
  keep_releases: number;
  drain_s: number;
  /** Who is paged for the service's alerts; null = FERRY_DEFAULT_ONCALL. */
  oncall: string | null;
  /** Alert name → runbook URL, overriding FERRY_RUNBOOK_BASE_URL + '/' + name. */
  runbooks: Record<string, string>;
  /** Release gates (CONTRACT §4); null = the defaults (all eight checks, no max age, not enforced). */
  readiness: ReadinessSpec | null;
  /** Staging replay; null = the service has none. */
  replay: ReplaySpec | null;
  /** Replay the returned instances after a rollback; null = true when `replay` is set. */
  replay_after_rollback: boolean | null;
  /** Declared channels besides `stable` (= the desired version), by name; `canary` among them. */
  channels: Record<string, ChannelSpec>;
  /** The load balancer in front of the instances (CONTRACT §5); null = none, nothing drains through an adapter. */
  traffic: TrafficSpec | null;
  /** Metric analysis during canary pauses and after batches; null = none. */
  analysis: AnalysisSpec | null;
  /** Automatic rollback after a whole-service deployment; null = none. */
  rollback_triggers: RollbackTriggersSpec | null;
  /** With `traffic`, the most instances a rollback changes at once, in percent; null = 50. */
  rollback_batch_percent: number | null;
  /** Set only by a successful whole-service deployment or rollback. */
  desired_version: string | null;
  /** The desired version that the last such operation replaced. */
  previous_version: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * What the agent should run on an instance. `generation` increases with every new
 * request, so the agent can tell a fresh request from one it already answered.
 * `action: 'restart'` asks for a new process even when the version is unchanged.
 */
export interface InstanceGoal {
  version: string | null;
  generation: number;
  action: 'run' | 'restart';
  /** Per-instance deadline (seconds) to become healthy on this goal. */
  timeout_s: number;
  /**
   * The operation that set this goal, so the agent's log lines name it. Absent when no
   * operation did (a new instance, an unpin) and on goals stored before migration 008.
   */
  operation?: GoalOperation;
}

/**
 * Which operation a goal belongs to and the request that started it: what lets one
 * deployment be followed from the API call through the reconciler to every agent.
 */
export interface GoalOperation {
  /** The deployment's `deploy_id`, or the rollback's id. */
  id: string;
  kind: OperationKind;
  /** Correlation id of the request that started the operation (the operation's `correlation_id`). */
  correlation_id: string;
  /** W3C trace context of that request; null until the server records one. */
  traceparent: string | null;
}

/** The goal-side identity of an operation. */
export function goalOperationOf(operation: Pick<Operation, 'id' | 'kind' | 'correlation_id' | 'trace'>): GoalOperation {
  const trace = operation.trace;
  // The agent's spans are children of the operation's root span, named before it is emitted.
  const traceparent = trace ? `00-${trace.trace_id}-${trace.root_span_id}-${trace.flags}` : null;
  return { id: operation.id, kind: operation.kind, correlation_id: operation.correlation_id, traceparent };
}

/** The agent's account of what it did for one goal generation. */
export interface GoalOutcome {
  generation: number;
  ok: boolean;
  /** Reason code when not ok, e.g. `sha256_mismatch`, `version_mismatch`, `health_timeout`. */
  code: string | null;
  message: string | null;
  /** True when the instance's `current` link was switched to the goal version at some point. */
  switched: boolean;
}

/** Status the agent observed for one instance process. */
export type ObservedStatus = 'starting' | 'ready' | 'unhealthy' | 'stopped' | 'crashed';

export interface InstanceObservation {
  status: ObservedStatus;
  /** What the instance's own version probe answered; null when it did not answer. */
  version: string | null;
  /** How `version` was proven, or why the code on the port is not Ferry's; absent from older agents. */
  proof?: VersionProof | null;
  pid: number | null;
  /** Latest goal generation the agent has finished working on. */
  achieved_generation: number;
  outcome: GoalOutcome | null;
  at: number;
}

export interface Instance {
  instance_id: string;
  service: string;
  host: string;
  port: number;
  pinned_version: string | null;
  goal: InstanceGoal;
  observed: InstanceObservation | null;
  /** Set when the instance left the service spec; the agent stops it, then the row goes. */
  removed_at: number | null;
  /** Set while drift handling keeps the instance out of service; null otherwise. */
  isolation: InstanceIsolation | null;
  /**
   * Set while a replay after a rollback keeps the instance out of session allocation
   * (migration 016); absent or null otherwise. `failed` once that replay failed: the hold
   * stays until a person releases the instance.
   */
  replay_hold?: ReplayHold | null;
  /** What the planner wants the load balancer to do with the instance, and what the adapter did (migration 017); absent or null = never set: in traffic at equal weight. */
  traffic?: InstanceTraffic | null;
  created_at: number;
}

export interface ReplayHold {
  replay_id: string;
  failed: boolean;
  since: number;
}

/**
 * Why and how a drifted instance is kept out of service (out of session allocation).
 * Stored with the instance, so the episode survives a server restart and is reported once.
 */
export interface InstanceIsolation {
  /** Public status while isolated: `quarantined`, or `unhealthy` under drift_policy mark_unhealthy. */
  status: 'quarantined' | 'unhealthy';
  /** The service's drift_policy when the episode began. */
  policy: DriftPolicy;
  /** `version_mismatch`, `unregistered_version`, or a `process` proof's refusal (`foreign_listener`, `outside_release`). */
  reason: Reason;
  expected_version: string | null;
  /** What the instance answered; null when the refusal left no proven version. */
  observed_version: string | null;
  since: number;
  /** The pin before the episode: a rebuild's deployment pins, and clearing returns this one. */
  pinned_version: string | null;
  /** The drift rebuild (policy rebuild) under way or last tried; null before the first. */
  rebuild: { operation_id: string; version: string; attempts: number; gave_up: boolean } | null;
}

/**
 * The few fields of a live instance that session placement reads: enough to derive its
 * status and probed version, and to say where it is. Read in one narrow query, because
 * placement reads every instance of a service for each batch of sessions.
 */
export interface InstancePlacement {
  instance_id: string;
  host: string;
  port: number;
  removed_at: null;
  goal: Pick<InstanceGoal, 'version' | 'generation'>;
  observed: Pick<InstanceObservation, 'status' | 'version' | 'achieved_generation'> | null;
  isolation: InstanceIsolation | null;
  replay_hold?: ReplayHold | null;
}

/** Public instance status (CONTRACT §2). */
export type InstanceStatus =
  | 'pending'
  | 'deploying'
  | 'ready'
  | 'unhealthy'
  | 'draining'
  | 'quarantined'
  | 'stopped'
  | 'unknown';

export interface Host {
  host: string;
  address: string;
  agent_version: string | null;
  last_heartbeat_at: number;
  /** Releases the agent keeps on disk, by service: a rollback to one of them needs no download. */
  kept_releases: Record<string, string[]>;
}

export type OperationKind = 'deploy' | 'restart' | 'rollback';

/** What an operator may ask of a running deployment (operations/operation-controls.ts decides). */
export type OperationControl = 'pause' | 'resume' | 'promote' | 'abort';

export type OperationStatus =
  | 'pending'
  | 'running'
  | 'paused'
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'rolling_back'
  | 'rolled_back'
  | 'aborted';

export const ACTIVE_OPERATION_STATUSES: readonly OperationStatus[] = ['pending', 'running', 'paused', 'verifying', 'rolling_back'];

/** The pair of versions only whole-service operations move. */
export interface ServiceVersions {
  desired_version: string | null;
  previous_version: string | null;
}

export interface Reason {
  code: string;
  message: string;
}

/** Why a running operation stopped starting targets for now. */
export interface OperationPause {
  /**
   * `until_promoted` and `timed` end a canary step; `user` is a pause an operator asked for;
   * `analysis`: the step waits for its analysis verdict and ends by itself when it is
   * successful; `inconclusive`: the analysis could not decide, a person promotes or aborts.
   */
  kind: 'until_promoted' | 'timed' | 'user' | 'analysis' | 'inconclusive';
  /** Epoch ms a `timed` pause ends; null otherwise. */
  until: number | null;
  since: number;
}

/**
 * Where an operation stands inside its strategy. Kept in the store with the operation,
 * so a restarted server resumes every rollout at the same step and pause.
 */
export interface RolloutState {
  /** Canary steps finished (promoted, or their pause elapsed). */
  steps_done: number;
  pause: OperationPause | null;
  /** Last time the operation made progress (its start, a healthy target, a resume). */
  progress_at: number;
  /** Set by an abort: the operation returns the instances it changed and ends `aborted`. */
  abort: { actor: string; at: number } | null;
}

export function initialRollout(now: number): RolloutState {
  return { steps_done: 0, pause: null, progress_at: now, abort: null };
}

/**
 * One attempt to bring instances to a version: a deployment, a restart (a deployment of
 * each instance's own version) or a rollback. They share one lifecycle and one planner;
 * the API shows rollbacks as their own resource.
 */
export interface Operation {
  id: string;
  kind: OperationKind;
  service: string;
  /** Target version; null for a restart, where each instance keeps its own. */
  version: string | null;
  /** True when the operation covers every instance, so success moves the desired version. */
  whole_service: boolean;
  status: OperationStatus;
  reason: Reason | null;
  strategy: StrategySpec;
  timeout_s: number;
  retry_count: number;
  auto_rollback: boolean;
  rollout: RolloutState;
  actor: string;
  correlation_id: string;
  /** Id of the request that started the operation (migration 010); absent on older rows. */
  request_id?: string | null;
  /** The operation's trace (migration 010); absent on older rows and on operations no request started. */
  trace?: OperationTrace | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

/**
 * Where an operation sits in OpenTelemetry: its trace, and its root span's id chosen when
 * it starts, so agents and children can name the root as parent long before the root span
 * is emitted (at the operation's end, by whichever server process sees it end).
 */
export interface OperationTrace {
  /** 32 hex digits: the caller's trace when it sent a `traceparent`, else a new one. */
  trace_id: string;
  /** 16 hex digits: the id the `ferry.deployment` / `ferry.rollback` span will have. */
  root_span_id: string;
  /** The starting request's span (or the caller's), the root span's parent; null when the trace began here. */
  parent_span_id: string | null;
  /** W3C trace flags of the context; '01' is sampled. */
  flags: string;
}

/**
 * pending → (draining, while sessions remain) → deploying → healthy (up on the version, waiting out min_healthy_time_s) →
 * succeeded → verifying (the fleet-wide check at the end) → succeeded; a revert takes a
 * changed target through reverting to reverted or revert_failed.
 */
export type TargetStatus =
  | 'pending'
  /** Out of session allocation, waiting for its sessions to end or drain_s before it is stopped. */
  | 'draining'
  | 'deploying'
  | 'healthy'
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'reverting'
  | 'reverted'
  | 'revert_failed';

/** One instance inside an operation. */
export interface OperationTarget {
  operation_id: string;
  instance_id: string;
  /** The version the instance was meant to run before; where a revert returns it. */
  from_version: string | null;
  to_version: string | null;
  status: TargetStatus;
  attempts: number;
  /** Goal generation this target is waiting on. */
  generation: number | null;
  /** True once the instance may have left its old release (a revert is then owed). */
  changed: boolean;
  started_at: number | null;
  /** When the target was first seen ready on its version; min_healthy_time_s counts from here. */
  healthy_at: number | null;
  updated_at: number;
  reason: Reason | null;
}

/** Append-only record of a state change (invariant 7). */
export interface AuditEvent {
  id: number;
  at: number;
  type: string;
  service: string | null;
  version: string | null;
  instance_id: string | null;
  deploy_id: string | null;
  actor: string;
  correlation_id: string;
  /** Trace of the operation (or request) that caused the event; null when none is known (migration 010). */
  trace_id: string | null;
  /** Id of the request that caused the event, or that started its operation; null when none did. */
  request_id: string | null;
  details: Record<string, unknown>;
}

/** An event before the audit log numbers it; trace and request ids default to null. */
export type AuditEventDraft = Omit<AuditEvent, 'id' | 'trace_id' | 'request_id'> & { trace_id?: string | null; request_id?: string | null };

/** A version an instance ran, from first sight until another version was seen. */
export interface VersionInterval {
  instance_id: string;
  version: string;
  from: number;
  to: number | null;
}

/**
 * A client session placed on one instance (CONTRACT §2 Sessions). Its own durable record:
 * sessions are too many to audit one by one. Open while `ended_at` is null and `expires_at`
 * is in the future.
 */
export interface Session {
  session_id: string;
  service: string;
  tenant_id: string | null;
  instance_id: string;
  host: string;
  /** Where clients reach the instance: its host's advertised address. */
  address: string;
  port: number;
  /** The version the instance probed when the session was given. */
  runtime_version: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

/**
 * A named API token (CONTRACT §9). Only the sha256 of its secret is kept: the secret is
 * 32 random bytes, so a fast hash is as strong as a slow one and lets every request find
 * its token by index. Revoked tokens stay as records, so the audit's actors keep a meaning.
 */
export interface ApiToken {
  token_id: string;
  name: string;
  role: import('./access/roles.js').Role;
  /** The host an agent token is bound to; null for other roles. */
  host_id: string | null;
  /** Lowercase hex sha256 of the secret. */
  secret_sha256: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
}
