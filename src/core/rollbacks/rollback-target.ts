/**
 * The one-click rollback's default target (CONTRACT §2 Rollbacks): the last known-good
 * version. A deployment that never became desired, one still active or the latest one
 * that failed without returning its instances (`auto_rollback: false`), leaves instances
 * on a version nobody accepted, so the way back is the service's `desired_version`.
 * Otherwise the desired version itself is what the operator wants to leave, and the way
 * back is `previous_version`. Pure: the caller loads the service and its latest operation.
 */
import { refuse, type Decision } from '../result.js';
import { isActive } from '../operations/status-sets.js';
import type { Operation, ServiceVersions } from '../types.js';

/** Why a rollback goes where it goes; `to_version` when the caller named the target. */
export type RollbackTargetReason = 'active_deployment' | 'previous_version' | 'to_version';

export interface RollbackTargetInput {
  service: string;
  versions: ServiceVersions;
  /** The service's most recent operation of any kind, if any. */
  latestOperation: Operation | undefined;
  toVersion?: string | undefined;
}

/**
 *   to_version 0.9                                         → 0.9, to_version
 *   desired 1.0, canary of 1.1 paused                      → 1.0, active_deployment
 *   desired 1.0, latest deploy of 1.1 failed, no auto-rb   → 1.0, active_deployment
 *   desired 1.1, previous 1.0, latest deploy succeeded     → 1.0, previous_version
 *   desired 1.0, latest deploy of 1.1 rolled_back          → previous, previous_version
 */
export function chooseRollbackTarget(input: RollbackTargetInput): Decision<{ target: string; reason: RollbackTargetReason }> {
  if (input.toVersion !== undefined) return { ok: true, target: input.toVersion, reason: 'to_version' };
  const { desired_version: desired, previous_version: previous } = input.versions;
  if (desired !== null && leftUndesiredVersion(input.latestOperation, desired)) return { ok: true, target: desired, reason: 'active_deployment' };
  if (previous === null) {
    return refuse('unprocessable', 'no_previous_version', `service ${input.service} has no previous version to roll back to; pass to_version`);
  }
  return { ok: true, target: previous, reason: 'previous_version' };
}

/** True when `op` put (or is putting) instances on a version other than `desired`. */
function leftUndesiredVersion(op: Operation | undefined, desired: string): boolean {
  if (op === undefined || op.kind !== 'deploy' || op.version === desired) return false;
  if (isActive(op.status)) return true;
  return op.status === 'failed' && !op.auto_rollback;
}
