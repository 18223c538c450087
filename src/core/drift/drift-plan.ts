/**
 * What one drift pass decided for one service: isolation flags to set or clear, pins to
 * restore, at most one rebuild operation to start, and the audit events. The reconciler
 * applies a plan in one transaction; the planner never does I/O.
 */
import type { FerryEvent } from '../events/event-catalogue.js';
import type { InstanceIsolation, Operation, OperationTarget } from '../types.js';

export interface DriftPlan {
  /** Isolation to store per instance; null clears it (the instance is back in service). */
  isolations: Array<{ instance_id: string; isolation: InstanceIsolation | null }>;
  pins: Array<{ instance_id: string; version: string | null }>;
  /** A deployment of the expected version to drifted instances (drift_policy rebuild). */
  rebuild: { operation: Operation; targets: OperationTarget[] } | null;
  events: FerryEvent[];
}

export function isEmptyDriftPlan(plan: DriftPlan): boolean {
  return plan.isolations.length === 0 && plan.pins.length === 0 && plan.rebuild === null && plan.events.length === 0;
}

/** The actor of everything drift handling does on its own. */
export const DRIFT_ACTOR = 'ferry:drift';

/** Rebuilds tried per episode before the instance is left quarantined for a person. */
export const MAX_REBUILD_ATTEMPTS = 3;

/** One correlation id per drift episode, so its events can be followed together. */
export function episodeCorrelationId(instanceId: string, since: number): string {
  return `drift:${instanceId}:${since}`;
}
