/**
 * Which release of a service is under watch now (CONTRACT §5 "Rollback triggers after a
 * release"): the whole-service deployment that succeeded last, for `watch_minutes` after it
 * completed, as long as nothing happened to the service since. The watch ends with the
 * first later operation of any kind — a person's deployment or rollback, or the trigger's
 * own rollback — so a release is rolled back by its trigger at most once, and that memory
 * is the operations table itself: a restarted server finds the rollback and watches nothing.
 */
import type { RollbackTriggersSpec } from '../analysis/analysis-spec.js';
import type { Operation, Service } from '../types.js';

export const DEFAULT_WATCH_MINUTES = 30;
export const DEFAULT_CRITICAL_ALERT_MINUTES = 5;

/** The actor of the rollbacks a trigger starts; alerts and audit readers tell them apart by it. */
export const ROLLBACK_TRIGGER_ACTOR = 'ferry:rollback-trigger';

/** The triggers with their defaults filled in. */
export type ResolvedTriggers = Required<Pick<RollbackTriggersSpec, 'watch_minutes' | 'critical_alert_minutes'>> &
  Omit<RollbackTriggersSpec, 'watch_minutes' | 'critical_alert_minutes'>;

/** A release under watch: the deployment that made it, and where a rollback would go. */
export interface WatchedRelease {
  service: string;
  deploy_id: string;
  version: string;
  /** The version it replaced: the rollback's target and the error rate's baseline. */
  previous_version: string;
  /** When the deployment started: the previous version served alone until then. */
  started_at: number;
  completed_at: number;
  /** The watch ends here (exclusive). */
  until: number;
  triggers: ResolvedTriggers;
}

export type WatchedService = Pick<Service, 'name' | 'desired_version' | 'previous_version' | 'rollback_triggers'>;

export function resolveTriggers(spec: RollbackTriggersSpec): ResolvedTriggers {
  return { ...spec, watch_minutes: spec.watch_minutes ?? DEFAULT_WATCH_MINUTES, critical_alert_minutes: spec.critical_alert_minutes ?? DEFAULT_CRITICAL_ALERT_MINUTES };
}

/**
 * The release `service` watches at `now`, or null. `latestOperation` is the service's newest
 * operation of any kind.
 *   deploy 2.0 succeeded 10 min ago, watch 30, desired 2.0, previous 1.0   → watched until +20 min
 *   the same, 31 min ago                                                  → null (window over)
 *   a rollback (or any operation) after it                                → null (no longer latest)
 *   a deployment of some instances, a restart, a failed deployment        → null
 *   desired 2.0 but no previous version                                   → null (nowhere to go back to)
 */
export function watchedRelease(service: WatchedService, latestOperation: Operation | undefined, now: number): WatchedRelease | null {
  if (service.rollback_triggers === null) return null;
  const op = latestOperation;
  if (op === undefined || op.kind !== 'deploy' || !op.whole_service || op.status !== 'succeeded') return null;
  if (op.version === null || op.completed_at === null) return null;
  // A success moved desired to this version, and the one it replaced became previous_version.
  const previous = service.previous_version;
  if (service.desired_version !== op.version || previous === null || previous === op.version) return null;
  const triggers = resolveTriggers(service.rollback_triggers);
  const until = op.completed_at + triggers.watch_minutes * 60_000;
  if (now < op.completed_at || now >= until) return null;
  return { service: service.name, deploy_id: op.id, version: op.version, previous_version: previous, started_at: op.created_at, completed_at: op.completed_at, until, triggers };
}
