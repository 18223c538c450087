/**
 * A plan is what one reconcile pass decided for one operation: goals to hand to agents,
 * target and operation status changes, desired-version moves and audit events. The
 * reconciler applies a plan in one transaction; the planner never does I/O.
 */
import type { FerryEvent } from '../events/event-catalogue.js';
import type { WantedTraffic } from '../traffic/next-traffic.js';
import type { InstanceGoal, OperationStatus, Reason, RolloutState, ServiceVersions, TargetStatus } from '../types.js';

export interface TargetChange {
  instance_id: string;
  status?: TargetStatus;
  attempts?: number;
  generation?: number;
  changed?: boolean;
  started_at?: number;
  healthy_at?: number;
  reason?: Reason | null;
}

export interface OperationPlan {
  goals: Array<{ instance_id: string; goal: InstanceGoal }>;
  targets: TargetChange[];
  operation: { status: OperationStatus; rollout: RolloutState; reason?: Reason | null; completed?: boolean } | null;
  /** Set when a whole-service operation succeeded and moves the desired version. */
  serviceVersions: ServiceVersions | null;
  /** What the load balancer should do with instances (drain before a change, ready after, canary weights). */
  traffic: Array<{ instance_id: string } & WantedTraffic>;
  /** Pins to set (a version) or clear (null). */
  pins: Array<{ instance_id: string; version: string | null }>;
  events: FerryEvent[];
}

export function emptyPlan(): OperationPlan {
  return { goals: [], targets: [], operation: null, serviceVersions: null, traffic: [], pins: [], events: [] };
}

export function isEmptyPlan(plan: OperationPlan): boolean {
  return (
    plan.goals.length === 0 &&
    plan.targets.length === 0 &&
    plan.operation === null &&
    plan.serviceVersions === null &&
    plan.traffic.length === 0 &&
    plan.pins.length === 0 &&
    plan.events.length === 0
  );
}
