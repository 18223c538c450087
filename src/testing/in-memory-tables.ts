/**
 * Test support (not built): the rows of an in-memory Store and the constraints the SQL
 * schema enforces on them (primary keys, the service lock, the host/port pair, the one open
 * history interval, live token names, the service an instance belongs to). Every function
 * here is synchronous and either applies a whole write or throws before changing anything,
 * which is what lets `InMemoryStore` make a transaction all or nothing by copying tables.
 *
 * Rows are replaced, never changed in place, so copying a table is copying its Map.
 */
import { isActive } from '../core/operations/status-sets.js';
import type { Alert, AlertDelivery } from '../core/alerts/alert-types.js';
import type { Evidence } from '../core/readiness/evidence.js';
import type { Freeze } from '../core/freezes/freeze.js';
import type { ChannelEntry } from '../core/channels/channel-entry.js';
import type { ReadinessEvaluation } from '../core/readiness/readiness-evaluation.js';
import type { Replay } from '../core/replay/replay-record.js';
import type { AnalysisMeasurement } from '../core/analysis/analysis-measurement.js';
import type { ApiToken, AuditEvent, Host, Instance, Operation, OperationTarget, Release, Service, Session, VersionInterval } from '../core/types.js';
import type { OperationPatch, TargetPatch } from '../store/store.js';

export interface MemoryTables {
  releases: Map<string, Release>;
  services: Map<string, Service>;
  instances: Map<string, Instance>;
  hosts: Map<string, Host>;
  operations: Map<string, Operation>;
  /** Keyed by operation id, then instance id. */
  targets: Map<string, Map<string, OperationTarget>>;
  /** Per instance, oldest first; the last one may be open (to === null). */
  history: Map<string, VersionInterval[]>;
  audit: AuditEvent[];
  nextAuditId: number;
  sessions: Map<string, Session>;
  tokens: Map<string, ApiToken>;
  alerts: Map<string, Alert>;
  alertDeliveries: Map<string, AlertDelivery>;
  /** Oldest first; rows are never changed or removed. */
  evidence: Evidence[];
  nextEvidenceId: number;
  freezes: Map<string, Freeze>;
  /** Oldest first; only `soak_started_at` is ever set, once. */
  channelHistory: ChannelEntry[];
  nextChannelEntryId: number;
  /** The newest evaluation per release, keyed `service\u0000version`. */
  readiness: Map<string, ReadinessEvaluation>;
  replays: Map<string, Replay>;
  /** Oldest first; rows are never changed or removed. */
  analysisMeasurements: AnalysisMeasurement[];
  nextAnalysisMeasurementId: number;
}

export function emptyTables(): MemoryTables {
  return {
    releases: new Map(),
    services: new Map(),
    instances: new Map(),
    hosts: new Map(),
    operations: new Map(),
    targets: new Map(),
    history: new Map(),
    audit: [],
    nextAuditId: 1,
    sessions: new Map(),
    tokens: new Map(),
    alerts: new Map(),
    alertDeliveries: new Map(),
    evidence: [],
    nextEvidenceId: 1,
    freezes: new Map(),
    channelHistory: [],
    nextChannelEntryId: 1,
    readiness: new Map(),
    replays: new Map(),
    analysisMeasurements: [],
    nextAnalysisMeasurementId: 1,
  };
}

/** A working copy for one transaction: new Maps over the same (never mutated) rows. */
export function copyTables(t: MemoryTables): MemoryTables {
  return {
    releases: new Map(t.releases),
    services: new Map(t.services),
    instances: new Map(t.instances),
    hosts: new Map(t.hosts),
    operations: new Map(t.operations),
    targets: new Map([...t.targets].map(([id, byInstance]) => [id, new Map(byInstance)])),
    history: new Map(t.history),
    audit: [...t.audit],
    nextAuditId: t.nextAuditId,
    sessions: new Map(t.sessions),
    tokens: new Map(t.tokens),
    alerts: new Map(t.alerts),
    alertDeliveries: new Map(t.alertDeliveries),
    evidence: [...t.evidence],
    nextEvidenceId: t.nextEvidenceId,
    freezes: new Map(t.freezes),
    channelHistory: [...t.channelHistory],
    nextChannelEntryId: t.nextChannelEntryId,
    readiness: new Map(t.readiness),
    replays: new Map(t.replays),
    analysisMeasurements: [...t.analysisMeasurements],
    nextAnalysisMeasurementId: t.nextAnalysisMeasurementId,
  };
}

/**
 * A deep copy as a database round-trip makes it: JSON columns drop `undefined` fields, and
 * a caller that changes what it passed in or got back changes nothing stored.
 */
export function detached<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** What a violated constraint throws, named like the SQL index that would refuse the row. */
export class ConstraintError extends Error {
  constructor(constraint: string, detail: string) {
    super(`${constraint}: ${detail}`);
    this.name = 'ConstraintError';
  }
}

export const releaseKey = (service: string, version: string): string => `${service}\u0000${version}`;

export function insertReleaseRow(t: MemoryTables, release: Release): void {
  const key = releaseKey(release.service, release.version);
  if (t.releases.has(key)) throw new ConstraintError('releases_pk', `${release.service} ${release.version} exists`);
  t.releases.set(key, detached(release));
}

export function insertInstanceRow(t: MemoryTables, instance: Instance): void {
  if (t.instances.has(instance.instance_id)) throw new ConstraintError('instances_pk', `${instance.instance_id} exists`);
  if (!t.services.has(instance.service)) throw new ConstraintError('instances_service_fk', `no service ${instance.service}`);
  for (const other of t.instances.values()) {
    if (other.host === instance.host && other.port === instance.port) {
      throw new ConstraintError('instances_host_port_unique', `${instance.host}:${instance.port} is held by ${other.instance_id}`);
    }
  }
  // As a database row reads back: the replay hold column is null when nothing set it.
  t.instances.set(instance.instance_id, detached({ ...instance, replay_hold: instance.replay_hold ?? null, traffic: instance.traffic ?? null }));
}

/** Replaces an instance row with `change` applied; an unknown id changes nothing. */
export function updateInstanceRow(t: MemoryTables, instanceId: string, change: (instance: Instance) => Instance): void {
  const instance = t.instances.get(instanceId);
  if (instance !== undefined) t.instances.set(instanceId, detached(change(instance)));
}

/** The service lock (migration 002): at most one active operation per service. */
function assertServiceUnlocked(t: MemoryTables, operation: Operation): void {
  if (!isActive(operation.status)) return;
  for (const other of t.operations.values()) {
    if (other.id !== operation.id && other.service === operation.service && isActive(other.status)) {
      throw new ConstraintError('operations_one_active_per_service', `${other.id} is active on ${operation.service}`);
    }
  }
}

export function insertOperationRows(t: MemoryTables, operation: Operation, targets: OperationTarget[]): void {
  if (t.operations.has(operation.id)) throw new ConstraintError('operations_pk', `${operation.id} exists`);
  assertServiceUnlocked(t, operation);
  const byInstance = new Map<string, OperationTarget>();
  for (const target of targets) {
    if (target.operation_id !== operation.id && !t.operations.has(target.operation_id)) {
      throw new ConstraintError('operation_targets_operation_fk', `no operation ${target.operation_id}`);
    }
    if (byInstance.has(target.instance_id)) throw new ConstraintError('operation_targets_pk', `${target.instance_id} listed twice`);
    byInstance.set(target.instance_id, detached(target));
  }
  // As the SQL engines read them: no request or trace stored is null (migration 010).
  t.operations.set(operation.id, detached({ ...operation, request_id: operation.request_id ?? null, trace: operation.trace ?? null }));
  t.targets.set(operation.id, byInstance);
}

/** The fields of `patch` that are present; an explicit `undefined` counts as absent, as in operation-rows.ts. */
function presentFields<P extends object>(patch: P, keys: ReadonlyArray<keyof P>): Partial<P> {
  const present: Partial<P> = {};
  for (const key of keys) if (patch[key] !== undefined) present[key] = patch[key];
  return present;
}

const OPERATION_PATCH_KEYS = ['status', 'reason', 'rollout', 'updated_at', 'completed_at'] as const;
const TARGET_PATCH_KEYS = ['status', 'attempts', 'generation', 'changed', 'started_at', 'healthy_at', 'updated_at', 'reason', 'from_version'] as const;

export function updateOperationRow(t: MemoryTables, id: string, patch: OperationPatch): void {
  const operation = t.operations.get(id);
  if (operation === undefined) return;
  const updated = detached({ ...operation, ...presentFields(patch, OPERATION_PATCH_KEYS) });
  assertServiceUnlocked(t, updated);
  t.operations.set(id, updated);
}

export function updateTargetRow(t: MemoryTables, operationId: string, instanceId: string, patch: TargetPatch): void {
  const target = t.targets.get(operationId)?.get(instanceId);
  if (target === undefined) return;
  t.targets.get(operationId)?.set(instanceId, detached({ ...target, ...presentFields(patch, TARGET_PATCH_KEYS) }));
}

/** Closes the open interval and opens one for `version`, unless it is already the open one. */
export function recordVersionRow(t: MemoryTables, instanceId: string, version: string, at: number): void {
  const intervals = t.history.get(instanceId) ?? [];
  const open = intervals.at(-1);
  if (open !== undefined && open.to === null && open.version === version) return;
  const closed = open !== undefined && open.to === null ? [...intervals.slice(0, -1), { ...open, to: at }] : intervals;
  t.history.set(instanceId, [...closed, { instance_id: instanceId, version, from: at, to: null }]);
}

export function insertSessionRows(t: MemoryTables, sessions: Session[]): void {
  const batch = new Set<string>();
  for (const session of sessions) {
    if (t.sessions.has(session.session_id) || batch.has(session.session_id)) throw new ConstraintError('sessions_pk', `${session.session_id} exists`);
    batch.add(session.session_id);
  }
  for (const session of sessions) t.sessions.set(session.session_id, detached(session));
}

export function insertTokenRow(t: MemoryTables, token: ApiToken): void {
  for (const other of t.tokens.values()) {
    if (other.token_id === token.token_id) throw new ConstraintError('api_tokens_pk', `${token.token_id} exists`);
    if (other.secret_sha256 === token.secret_sha256) throw new ConstraintError('api_tokens_secret_sha256_unique', 'the secret hash exists');
    if (other.name === token.name && other.revoked_at === null && token.revoked_at === null) {
      throw new ConstraintError('api_tokens_live_name', `a live token is named ${token.name}`);
    }
  }
  t.tokens.set(token.token_id, detached(token));
}

/** Like migration 014's primary key: one row per freeze id. */
export function insertFreezeRow(t: MemoryTables, freeze: Freeze): void {
  if (t.freezes.has(freeze.freeze_id)) throw new ConstraintError('freezes_pk', `${freeze.freeze_id} exists`);
  t.freezes.set(freeze.freeze_id, detached(freeze));
}

/** Like migration 009's keys: one row per alert id, and at most one firing alert per cause. */
export function insertAlertRow(t: MemoryTables, alert: Alert): void {
  if (t.alerts.has(alert.id)) throw new ConstraintError('alerts_pkey', alert.id);
  for (const other of t.alerts.values()) {
    if (alert.state === 'firing' && other.state === 'firing' && other.cause_key === alert.cause_key) throw new ConstraintError('alerts_one_firing_per_cause', alert.cause_key);
  }
  t.alerts.set(alert.id, detached(alert));
}

/** Queues a delivery, dropping the oldest first when `maxQueued` are queued; returns how many were dropped. */
export function enqueueDeliveryRow(t: MemoryTables, delivery: AlertDelivery, maxQueued: number): number {
  if (t.alertDeliveries.has(delivery.delivery_id)) throw new ConstraintError('alert_deliveries_pkey', delivery.delivery_id);
  const excess = t.alertDeliveries.size - maxQueued + 1;
  const oldest = [...t.alertDeliveries.values()].sort((a, b) => a.queued_at - b.queued_at || (a.delivery_id < b.delivery_id ? -1 : 1));
  for (const dropped of oldest.slice(0, Math.max(0, excess))) t.alertDeliveries.delete(dropped.delivery_id);
  t.alertDeliveries.set(delivery.delivery_id, detached(delivery));
  return Math.max(0, excess);
}
