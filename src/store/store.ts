/**
 * The one persistence interface of the control plane. Two implementations share it,
 * SQLite (default, one file in the data dir) and PostgreSQL, and one contract suite
 * (store.contract.ts) runs against both. Writes that belong together go through
 * `transaction`, whose callback receives a Store bound to that transaction.
 */
import type { Alert, AlertDelivery, AlertSeverity, AlertState } from '../core/alerts/alert-types.js';
import type { Evidence, EvidenceDraft } from '../core/readiness/evidence.js';
import type { Freeze } from '../core/freezes/freeze.js';
import type { ChannelEntry, ChannelEntryDraft } from '../core/channels/channel-entry.js';
import type { ReadinessEvaluation } from '../core/readiness/readiness-evaluation.js';
import type { Replay, ReplayFilter, ReplayPatch } from '../core/replay/replay-record.js';
import type { AnalysisMeasurement, AnalysisMeasurementDraft } from '../core/analysis/analysis-measurement.js';
import type {
  ApiToken,
  AuditEvent,
  AuditEventDraft,
  Host,
  Instance,
  InstanceGoal,
  InstanceIsolation,
  ReplayHold,
  InstanceTraffic,
  InstanceObservation,
  InstancePlacement,
  Operation,
  OperationKind,
  OperationTarget,
  Release,
  Service,
  Session,
  VersionInterval,
} from '../core/types.js';

export interface AuditFilter {
  service?: string;
  type?: string;
  deploy_id?: string;
  correlation_id?: string;
  trace_id?: string;
  /** Epoch ms; events at or after. */
  since?: number;
  /** Only events whose id is greater: where a resumed audit stream picks up (Last-Event-ID). */
  after_id?: number;
  limit?: number;
}

export interface OperationFilter {
  service?: string;
  kinds?: OperationKind[];
  /** Only operations whose status is one of ACTIVE_OPERATION_STATUSES. */
  activeOnly?: boolean;
  limit?: number;
}

export interface AlertFilter {
  state?: AlertState;
  service?: string;
  severity?: AlertSeverity;
  limit?: number;
}

export type AlertDeliveryPatch = Pick<AlertDelivery, 'attempts' | 'next_attempt_at' | 'last_error'>;

export type OperationPatch = Partial<Pick<Operation, 'status' | 'reason' | 'rollout' | 'updated_at' | 'completed_at'>>;
export type TargetPatch = Partial<
  Pick<OperationTarget, 'status' | 'attempts' | 'generation' | 'changed' | 'started_at' | 'healthy_at' | 'updated_at' | 'reason' | 'from_version'>
>;
export type ServiceVersionPatch = Pick<Service, 'desired_version' | 'previous_version' | 'updated_at'>;

/** Which of an operation's analysis measurements to read. */
export interface AnalysisMeasurementFilter {
  phase?: string;
}

/** A condition on a replay hold change: only instances whose current hold names this replay. */
export interface ReplayHoldCondition {
  onlyIfReplayId?: string;
}

export interface Store {
  /** Runs `fn` in one transaction; nested calls reuse the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;

  // Releases: insert only, never updated (immutability is enforced by the caller's check and the primary key).
  insertRelease(release: Release): Promise<void>;
  getRelease(service: string, version: string): Promise<Release | undefined>;
  /** Newest registration first. */
  listReleases(service: string): Promise<Release[]>;

  // Services.
  /** Inserts or replaces the declared fields; desired/previous versions are kept on replace. */
  putService(service: Service): Promise<void>;
  getService(name: string): Promise<Service | undefined>;
  listServices(): Promise<Service[]>;
  setServiceVersions(name: string, patch: ServiceVersionPatch): Promise<void>;

  // Instances.
  insertInstance(instance: Instance): Promise<void>;
  getInstance(instanceId: string): Promise<Instance | undefined>;
  /** Includes instances marked removed; callers filter. Ordered by instance_id. */
  listInstances(filter: { service?: string; host?: string }): Promise<Instance[]>;
  /** Live (not removed) instances of a service, only what session placement reads. Ordered by instance_id. */
  listInstancePlacements(service: string): Promise<InstancePlacement[]>;
  setInstanceGoal(instanceId: string, goal: InstanceGoal): Promise<void>;
  setInstancePin(instanceId: string, pinnedVersion: string | null): Promise<void>;
  /** Sets or (null) clears the drift isolation; the instance is out of service while set. */
  setInstanceIsolation(instanceId: string, isolation: InstanceIsolation | null): Promise<void>;
  /** Sets (or, with null, clears) the replay hold of these instances; unknown ids change nothing; with `onlyIfReplayId` only holds that replay owns change. */
  setReplayHold(instanceIds: string[], hold: ReplayHold | null, opts?: ReplayHoldCondition): Promise<void>;
  /**
   * Replaces an instance's traffic state only while it still is `expected` (compared as
   * stored), so the planner's new intent and an adapter's late result never overwrite each
   * other. False when the row changed in between or is gone.
   */
  updateInstanceTraffic(instanceId: string, expected: InstanceTraffic | null, next: InstanceTraffic | null): Promise<boolean>;
  markInstanceRemoved(instanceId: string, at: number): Promise<void>;
  deleteInstance(instanceId: string): Promise<void>;
  recordObservation(instanceId: string, observation: InstanceObservation): Promise<void>;

  // Hosts.
  upsertHost(host: Host): Promise<void>;
  getHost(host: string): Promise<Host | undefined>;
  listHosts(): Promise<Host[]>;

  // Operations (deployments, restarts, rollbacks) and their per-instance targets.
  insertOperation(operation: Operation, targets: OperationTarget[]): Promise<void>;
  getOperation(id: string): Promise<Operation | undefined>;
  /** Newest first. */
  listOperations(filter: OperationFilter): Promise<Operation[]>;
  updateOperation(id: string, patch: OperationPatch): Promise<void>;
  listTargets(operationId: string): Promise<OperationTarget[]>;
  updateTarget(operationId: string, instanceId: string, patch: TargetPatch): Promise<void>;

  // Version history per instance (seed 000 R7).
  /** Closes the open interval (to = at) and opens one for `version`, unless it is already the open one. */
  recordInstanceVersion(instanceId: string, version: string, at: number): Promise<void>;
  /** Oldest first. */
  listInstanceHistory(instanceId: string): Promise<VersionInterval[]>;

  // Audit, append-only.
  appendAudit(event: AuditEventDraft): Promise<AuditEvent>;
  /** Oldest first. */
  listAudit(filter: AuditFilter): Promise<AuditEvent[]>;

  // Client sessions: their own record, never audited one by one.
  /** Inserts sessions in one statement; throws on a duplicate session_id. */
  insertSessions(sessions: Session[]): Promise<void>;
  getSession(sessionId: string): Promise<Session | undefined>;
  /** Sets ended_at once (a second call keeps the first time); returns the record, undefined when unknown. */
  endSession(sessionId: string, at: number): Promise<Session | undefined>;
  /** Open sessions (not ended, expires_at > now) of a service by instance_id; instances with none are absent. */
  countOpenSessionsByInstance(service: string, now: number): Promise<Record<string, number>>;
  /** The runtime_version of the tenant's newest session of the service created at or after `since`. */
  lastTenantVersion(service: string, tenantId: string, since: number): Promise<string | undefined>;
  /** Deletes at most `limit` sessions with expires_at < cutoff, oldest first; returns how many. */
  deleteSessionsExpiredBefore(cutoff: number, limit: number): Promise<number>;

  // Named API tokens (CONTRACT §9); the secret itself is never stored.
  /** Throws when a token not revoked already has this name, or the secret's hash exists. */
  insertToken(token: ApiToken): Promise<void>;
  findTokenBySecret(secretSha256: string): Promise<ApiToken | undefined>;
  getToken(tokenId: string): Promise<ApiToken | undefined>;
  /** Oldest first, revoked ones included. */
  listTokens(): Promise<ApiToken[]>;
  /** Sets revoked_at once (a second call keeps the first time); undefined when unknown. */
  revokeToken(tokenId: string, at: number): Promise<ApiToken | undefined>;

  // Alerts (CONTRACT §3) and their delivery outbox.
  /** Throws when a firing alert with the same cause_key exists. */
  insertAlert(alert: Alert): Promise<void>;
  /** Resolves a firing alert once (a second call keeps the first resolved_at); undefined when unknown. */
  resolveAlert(id: string, at: number): Promise<Alert | undefined>;
  /** Newest first. */
  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  /** Queues a delivery; when `maxQueued` are queued, the oldest are dropped first. Returns how many were dropped. */
  enqueueAlertDelivery(delivery: AlertDelivery, maxQueued: number): Promise<number>;
  /** Deliveries with next_attempt_at <= now, longest waiting first. */
  listDueAlertDeliveries(now: number, limit: number): Promise<AlertDelivery[]>;
  countAlertDeliveries(): Promise<number>;
  updateAlertDelivery(deliveryId: string, patch: AlertDeliveryPatch): Promise<void>;
  deleteAlertDelivery(deliveryId: string): Promise<void>;

  // Release evidence (CONTRACT §4), append-only.
  appendEvidence(draft: EvidenceDraft): Promise<Evidence>;
  /** Every record of one release, oldest first. */
  listEvidence(service: string, version: string): Promise<Evidence[]>;

  // Freeze windows (CONTRACT §4); a removed window keeps its row.
  insertFreeze(freeze: Freeze): Promise<void>;
  /** The window by id, removed or not. */
  getFreeze(freezeId: string): Promise<Freeze | undefined>;
  /** Every window not removed, oldest first. */
  listFreezes(): Promise<Freeze[]>;
  /** Stamps removed_at/removed_by once (a second call keeps the first); undefined when there is no such window. */
  removeFreeze(freezeId: string, at: number, actor: string): Promise<Freeze | undefined>;
  // Channel history (CONTRACT §4 Channels), append-only but for the soak's start, set once.
  appendChannelEntry(draft: ChannelEntryDraft): Promise<ChannelEntry>;
  /** One channel's rows, newest first, at most `limit`. */
  listChannelHistory(service: string, channel: string, limit: number): Promise<ChannelEntry[]>;
  /** The row the operation `deployId` carries, if it is a channel change. */
  channelEntryOfOperation(deployId: string): Promise<ChannelEntry | undefined>;
  /** Sets `soak_started_at` on the rows of `deployId` that have none. */
  startChannelSoak(deployId: string, at: number): Promise<void>;
  // Readiness evaluations (CONTRACT §4): the newest per release.
  /** Stores `evaluation` as its release's newest, replacing the one before. */
  putReadinessEvaluation(evaluation: ReadinessEvaluation): Promise<void>;
  getReadinessEvaluation(service: string, version: string): Promise<ReadinessEvaluation | undefined>;
  // Staging replay runs (CONTRACT §4, migration 016).
  insertReplay(replay: Replay): Promise<void>;
  /** Changes the named fields; an unknown id changes nothing. */
  updateReplay(replayId: string, patch: ReplayPatch): Promise<void>;
  getReplay(replayId: string): Promise<Replay | undefined>;
  /** Newest first (by started_at, then id), at most `limit` (default 100). */
  listReplays(filter: ReplayFilter): Promise<Replay[]>;
  // Analysis measurements (CONTRACT §5, migration 018), append-only.
  /** Appends `draft` and returns it with the id the database gave it. */
  appendAnalysisMeasurement(draft: AnalysisMeasurementDraft): Promise<AnalysisMeasurement>;
  /** The operation's measurements (only `filter.phase`'s when given), oldest first (measured_at, then id). */
  listAnalysisMeasurements(operationId: string, filter?: AnalysisMeasurementFilter): Promise<AnalysisMeasurement[]>;
}
