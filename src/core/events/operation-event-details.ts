/**
 * `details` of the events about operations (deployments, restarts, rollbacks), by where
 * they come from: the request that starts one, an operator's control of one, and the
 * planner that runs it (core/operations/plan-operation.ts). The catalogue merges them.
 */
import type { OperationControl, OperationKind, OperationPause, OperationStatus, Reason, StrategySpec } from '../types.js';

/** What the planner adds to every event it writes: the kind of the operation it runs. */
type Planned<T> = { kind: OperationKind } & T;

/**
 * What an event that ends an operation (or its automatic revert) adds: how long it took,
 * in seconds, so the duration histograms need no store read. An operation's duration runs
 * from its creation to its end; an automatic revert's from the first revert it started.
 */
type Ended<T> = T & { duration_s: number };

/** Events the planner writes as an operation advances, settles, reverts and ends. */
export type PlannerEventDetails = {
  instance_deployed: Planned<{}>;
  instance_verified: Planned<{}>;
  /** `phase` is set when the fleet-wide verification failed, not the instance's own start. */
  instance_failed: Planned<{ reason: Reason; phase?: 'verification' }>;
  instance_retry: Planned<{ attempt: number; reason: Reason }>;
  /** `traffic`: drained at the service's load balancer (CONTRACT §5), not only out of session allocation. */
  instance_draining: Planned<{ sessions: number; drain_s: number; traffic?: true }>;
  instance_reverted: Planned<{}>;
  instance_revert_failed: Planned<{ reason: Reason }>;
  /** `reason`: why an analysis paused the deployment for a person. */
  deploy_paused: Planned<{ step: number; instances: number; pause: OperationPause | null; reason?: Reason }>;
  deploy_promoted: Planned<{ step: number; automatic: true }>;
  /** The automatic (or abort-requested) revert of a failed deployment's changed targets. */
  rollback: Planned<{ automatic: boolean; reason: Reason; instances: Array<{ instance_id: string; to_version: string | null }> }>;
  /** After an automatic revert (`automatic`), or when a rollback operation succeeds (`whole_service`). */
  rollback_completed: Planned<Ended<{ automatic: true; reason: Reason }>> | Planned<Ended<{ whole_service: boolean }>>;
  /** When a rollback operation fails, or an automatic revert does (`automatic`, written next to `deploy_failed`). */
  rollback_failed: Planned<Ended<{ reason: Reason; rolled_back: false }>> | Planned<Ended<{ automatic: true; reason: Reason }>>;
  deploy_completed: Planned<Ended<{ whole_service: boolean }>>;
  deploy_failed: Planned<Ended<{ reason: Reason; rolled_back: boolean }>>;
  deploy_aborted: Planned<Ended<{ reason: Reason; by: string | null }>>;
};

/** An operator's pause, resume, promote or abort request (core/operations/operation-controls.ts). */
type ControlDetails = { kind: OperationKind; control: OperationControl; from_status: OperationStatus; to_status: OperationStatus; steps_done: number };

export type ControlEventDetails = {
  deploy_paused: ControlDetails;
  deploy_resumed: ControlDetails;
  deploy_promoted: ControlDetails;
  deploy_abort_requested: ControlDetails;
  /** A deployment preempted by a one-click rollback. */
  deploy_aborted: { kind: OperationKind; reason: Reason; duration_s: number };
};

/** The event type recording an operator's control request. */
export type ControlEventType = 'deploy_paused' | 'deploy_resumed' | 'deploy_promoted' | 'deploy_abort_requested';

/**
 * Written with a new operation. Callers may add their own details (a one-click rollback
 * says which target it chose and why), hence the open tail.
 */
type StartDetails = { kind: OperationKind; instances: string[]; strategy: StrategySpec; [extra: string]: unknown };

export type OperationStartDetails = {
  /** A deployment request, or the drift loop's rebuild of a drifted instance. */
  deploy_started: StartDetails | { kind: 'deploy'; instances: string[]; reason: 'drift_rebuild' };
  /** A rebootstrap in mode rollout, written next to `deploy_started`. */
  rollout: StartDetails;
  restart: StartDetails;
  rollback: StartDetails;
};

/** The event types a new operation may be written with. */
export type StartEventType = keyof OperationStartDetails;
