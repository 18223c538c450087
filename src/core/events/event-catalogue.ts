/**
 * Every event Ferry emits, by type, with the shape of its `details`. The audit log stores
 * events with `type: string` and `details` as JSON; this catalogue is what the code that
 * writes them promises, so subscribers (metrics, traces, alerts, an audit stream, traffic
 * adapters) can switch on `type` and read `details` without guessing.
 *
 * A type emitted from two places has the union of both shapes: e.g. `deploy_paused` comes
 * from the planner (a canary step reached its pause) and from an operator's pause request.
 * Operation events written by the planner always carry the operation's `kind`.
 */
import type { ChannelEventDetails } from './channel-event-details.js';
import type { ControlEventDetails, OperationStartDetails, PlannerEventDetails } from './operation-event-details.js';
import type { AuditEventDraft, DriftPolicy, InstanceIsolation, ObservedStatus, Reason } from '../types.js';
import type { FreezeRecurrence } from '../freezes/freeze-window.js';

/** Who, when and what an event is about: the audit row without its type and details. */
export type EventEnvelope = Omit<AuditEventDraft, 'type' | 'details'>;

/** Details of events about releases, services, instances' lives and tokens. */
export type FleetEventDetails = {
  release_registered: { sha256: string; package_url: string; git_sha: string | null };
  service_created: ServiceChangeDetails;
  service_updated: ServiceChangeDetails;
  instance_added: { host: string; port: number };
  instance_removed: { host: string; port: number; reason: string };
  instance_crashed: { pid: number | null; status: ObservedStatus };
  instance_recovered: { pid: number | null; status: ObservedStatus };
  instance_unpinned: { pinned_version: string; desired_version: string | null; new_goal: boolean };
  token_created: TokenDetails;
  token_revoked: TokenDetails;
};

/** Details of the drift episode's events (core/drift): detection, isolation, rebuild, release. */
export type DriftEventDetails = {
  version_mismatch_detected: { expected: string | null; observed: string | null; reason: Reason; policy: DriftPolicy };
  instance_quarantined: IsolatedDetails;
  instance_marked_unhealthy: IsolatedDetails;
  instance_rebuild_started: { deploy_id: string; attempt: number };
  instance_rebuilt: { deploy_id: string; attempts: number };
  instance_rebuild_failed: { attempts: number; last_deploy_id: string; message: string };
  /** By the drift loop once the version is restored, or by an operator (`ferry release`). */
  instance_released: { by: 'version_restored' } | OperatorReleaseDetails;
};

/** An operator's `ferry release` of an isolated instance (core/drift/plan-release.ts). */
export type OperatorReleaseDetails = {
  by: 'operator';
  status: InstanceIsolation['status'];
  policy: DriftPolicy;
  isolated_since: string;
  reason: Reason;
  /** The request's correlation id; the event's own is the drift episode's. */
  request_correlation_id?: string;
};

type ServiceChangeDetails = { instances: number; added: string[]; removed: string[]; settings: unknown; warnings: unknown };
type TokenDetails = { token_id: string; name: string; role: string; host_id: string | null };
type IsolatedDetails = { policy: DriftPolicy; status: InstanceIsolation['status']; reason: Reason };

/** Details of the alert evaluator's events (core/alerts): an alert opened for a cause, and resolved once it cleared. */
export type AlertEventDetails = {
  alert_opened: AlertEventFields & { summary: string; runbook_url: string | null; oncall: string | null };
  alert_resolved: AlertEventFields;
};

type AlertEventFields = { alert_id: string; name: string; severity: string; cause_key: string };

/**
 * Details of freeze windows' events (CONTRACT §4): a window declared or removed by an
 * admin, and a change let through a covering window by an operator's override (recorded
 * in the transaction that stores the change, so an override never outlives a refusal).
 */
export type FreezeEventDetails = {
  freeze_created: FreezeWindowDetails;
  freeze_removed: FreezeWindowDetails;
  freeze_overridden: { freeze_id: string; freeze_reason: string; override_reason: string; action: string; freeze_ends_at: string };
};

type FreezeWindowDetails = { freeze_id: string; starts_at: string; ends_at: string; reason: string; recurrence: FreezeRecurrence | null };

/** Details of release-gate events (core/readiness): evidence appended, a release evaluated for admission. */
export type ReadinessEventDetails = {
  evidence_recorded: { evidence_id: number; check: string; passed: boolean; source: string; summary: string | null; deploy_id?: string };
  readiness_evaluated: { admitted: boolean; failed_checks: string[]; missing_checks: string[]; replay_passed: boolean };
};

/** Details of staging replay runs (core/replay, CONTRACT §4). */
export type ReplayEventDetails = {
  replay_started: { replay_id: string; purpose: string; baseline_version: string | null; requests: number; staging_host: string | null; instances: string[] };
  /** A person lifted the hold a replay after a rollback kept on an instance (`POST /instances/{id}/release`). */
  replay_hold_released: { replay_id: string; failed: boolean; request_correlation_id: string };
  replay_completed: { replay_id: string; purpose: string; status: string; passed: boolean; requests: number; difference_count: number; noise_filtered: number; reason: { code: string; message: string } | null; answers_kept: number; answers_dropped: number; staging_ready_ms: number | null; compare_ms: number | null };
};

/** Merges the per-source detail maps; a type in two maps gets the union of its shapes. */
type Merge<A, B> = { [K in keyof A | keyof B]: (K extends keyof A ? A[K] : never) | (K extends keyof B ? B[K] : never) };

/** `details` of each event type. */
export type EventDetails = Merge<Merge<Merge<Merge<FleetEventDetails, DriftEventDetails>, PlannerEventDetails>, Merge<ControlEventDetails, OperationStartDetails>>, Merge<Merge<AlertEventDetails, ReadinessEventDetails>, Merge<Merge<FreezeEventDetails, ChannelEventDetails>, ReplayEventDetails>>>;

export type EventType = keyof EventDetails;

/** An event of type K, as recorded: its envelope, its type and its details. */
export type EventOf<K extends EventType> = EventEnvelope & { type: K; details: EventDetails[K] };

/** Any event Ferry emits, discriminated by `type`. */
export type FerryEvent = { [K in EventType]: EventOf<K> }[EventType];

/** A recorded event with the id the audit log gave it. */
export type RecordedEvent = FerryEvent & { id: number };

/** Builds an event of one type; the one place the generic type meets the union. */
export function eventOf<K extends EventType>(type: K, envelope: EventEnvelope, details: EventDetails[K]): FerryEvent {
  return { ...envelope, type, details } as EventOf<K> as FerryEvent;
}

// A record keyed by EventType makes the compiler refuse a catalogue entry without a type or a type without an entry.
const CATALOGUED: Record<EventType, true> = {
  release_registered: true,
  service_created: true,
  service_updated: true,
  instance_added: true,
  instance_removed: true,
  instance_crashed: true,
  instance_recovered: true,
  instance_unpinned: true,
  token_created: true,
  token_revoked: true,
  version_mismatch_detected: true,
  instance_quarantined: true,
  instance_marked_unhealthy: true,
  instance_rebuild_started: true,
  instance_rebuilt: true,
  instance_rebuild_failed: true,
  instance_released: true,
  deploy_started: true,
  rollout: true,
  restart: true,
  rollback: true,
  instance_deployed: true,
  instance_verified: true,
  instance_failed: true,
  instance_retry: true,
  instance_draining: true,
  instance_reverted: true,
  instance_revert_failed: true,
  deploy_paused: true,
  deploy_resumed: true,
  deploy_promoted: true,
  deploy_abort_requested: true,
  deploy_aborted: true,
  deploy_completed: true,
  deploy_failed: true,
  rollback_completed: true,
  rollback_failed: true,
  alert_opened: true,
  alert_resolved: true,
  freeze_created: true,
  freeze_removed: true,
  freeze_overridden: true,
  channel_promoted: true,
  channel_rolled_back: true,
  evidence_recorded: true,
  readiness_evaluated: true,
  replay_started: true,
  replay_completed: true,
  replay_hold_released: true,
};

/** Every event type in the catalogue. */
export const EVENT_TYPES: readonly EventType[] = Object.keys(CATALOGUED) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(CATALOGUED, type);
}
