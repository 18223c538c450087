/**
 * What the CLI reads from GET /api/v1/deployments/{id} and /api/v1/rollbacks/{id}: only
 * the fields it renders. Everything but `status` is optional, because a rollback has no
 * progress or rollout and an older server sends no `rollout`; renderers must treat a
 * missing field as "nothing to show", never as an error.
 */

export interface InstanceSnapshot {
  instance_id: string;
  /** Target status: pending, deploying, healthy, verifying, succeeded, failed, skipped, reverting, reverted, revert_failed. */
  status: string;
  version: string | null;
  /** The version the instance ran before the operation, and the one it is taken to (absent from older servers). */
  from_version?: string | null;
  to_version?: string | null;
}

/** Why a rollout waits: a canary step's pause, its analysis, or a pause asked for with `ferry pause`. */
export interface RolloutPause {
  kind: 'until_promoted' | 'timed' | 'user' | 'analysis' | 'inconclusive';
  /** When a timed pause ends (ISO-8601); null for the other kinds. */
  until: string | null;
}

/** Where a deployment's rollout stands, as the server plans it. */
export interface RolloutSnapshot {
  /** 1-based current canary step; null when the strategy is not a canary. */
  step: number | null;
  /** Canary step count; 0 when not a canary. */
  steps: number;
  pause: RolloutPause | null;
  batch_size: number;
  /** Instances being changed right now. */
  in_flight: number;
}

export interface ProgressCounts {
  total: number;
  completed: number;
  failed: number;
  pending: number;
}

export interface OperationSnapshot {
  status: string;
  reason?: { code?: string; message?: string } | null;
  instances?: InstanceSnapshot[];
  progress?: ProgressCounts | null;
  rollout?: RolloutSnapshot | null;
}

/** Which operation is being watched; a restart is a deployment (CONTRACT §2). */
export interface OperationRef {
  kind: 'deployment' | 'rollback';
  id: string;
}

/** Statuses after which an operation never changes again (CONTRACT §2). */
export const TERMINAL_STATUSES: Record<OperationRef['kind'], readonly string[]> = {
  deployment: ['succeeded', 'failed', 'rolled_back', 'aborted'],
  rollback: ['succeeded', 'failed'],
};

/** A deployment, restart or rollback as the API lists it (`GET /api/v1/deployments`, `/rollbacks`). */
export interface OperationSummary {
  deploy_id?: string;
  rollback_id?: string;
  kind?: string;
  service: string;
  version?: string | null;
  target_version?: string | null;
  status: string;
  actor?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
}
