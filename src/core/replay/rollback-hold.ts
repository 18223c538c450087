/**
 * The hold after a rollback as a pure decision (CONTRACT §4 "answer the replay before
 * they take sessions again"): when a plan ends an operation that returned instances to an
 * earlier release (a rollback that succeeded, or a deployment rolled back automatically),
 * the returned instances are held and a `rollback` replay of them is recorded. The caller
 * applies it in the transaction that ends the operation, so no instance takes a session
 * between the ending and the hold, and a crash cannot lose the hold.
 *
 *   rollback rb-1 to 1.0.0 succeeded, service has replay -> hold both targets, replay rp-rb-rb-1
 *   deploy dp-1 rolled_back, targets changed from 1.0.0  -> hold the changed ones, replay of 1.0.0
 *   replay_after_rollback false, or no replay spec        -> null
 */
import type { Operation, OperationStatus, OperationTarget, ReplayHold, Service } from '../types.js';
import { runningReplay, type Replay } from './replay-record.js';

export const REPLAY_ACTOR = 'ferry:replay';

export interface RollbackHoldInput {
  operation: Operation;
  /** How the plan ends the operation. */
  ending: { status: OperationStatus; completed: boolean };
  /** The operation's targets with the plan's changes applied. */
  targets: OperationTarget[];
  service: Pick<Service, 'replay' | 'replay_after_rollback'>;
  now: number;
}

export interface RollbackHoldDecision {
  replay: Replay;
  hold: ReplayHold;
}

/** The replay id of a rollback's replay: derived from the operation, so deciding twice holds once. */
export function rollbackReplayId(operationId: string): string {
  return `rp-rb-${operationId}`;
}

export function decideRollbackHold(input: RollbackHoldInput): RollbackHoldDecision | null {
  const { operation, ending, service, now } = input;
  if (!ending.completed || service.replay == null || service.replay_after_rollback === false) return null;
  const returned = returnedInstances(operation, ending.status, input.targets);
  if (returned === null || returned.instances.length === 0) return null;
  const replay_id = rollbackReplayId(operation.id);
  return { replay: rollbackReplay(replay_id, operation, returned.version, returned.instances, now), hold: { replay_id, failed: false, since: now } };
}

/**
 * A rollback that succeeded returned all its targets to its version; a deployment rolled
 * back automatically returned the targets it had changed to their previous version.
 */
function returnedInstances(op: Operation, status: OperationStatus, targets: OperationTarget[]): { instances: string[]; version: string } | null {
  if (op.kind === 'rollback' && status === 'succeeded') return op.version === null ? null : { instances: targets.map((t) => t.instance_id).sort(), version: op.version };
  if (op.kind === 'deploy' && status === 'rolled_back') {
    const changed = targets.filter((t) => t.changed && t.from_version !== null);
    const version = changed[0]?.from_version ?? null;
    return version === null ? null : { instances: changed.map((t) => t.instance_id).sort(), version };
  }
  return null;
}

function rollbackReplay(replayId: string, op: Operation, version: string, instances: string[], now: number): Replay {
  return runningReplay({
    replay_id: replayId,
    service: op.service,
    version,
    baseline_version: version,
    purpose: 'rollback',
    instances,
    requests: 0,
    staging: null,
    actor: REPLAY_ACTOR,
    correlation_id: op.correlation_id,
    started_at: now,
  });
}

/**
 * The instances whose replay hold a plan's end lifts: those a deployment that succeeded
 * changed. Their processes now run a release that passed its health gate and checks, so a
 * hold on them (even a failed one) no longer says anything about what they serve. A restart
 * keeps each instance's version and proves nothing a replay did not: it lifts none.
 *
 *   deploy dp-2 succeeded, changed web-1 and web-2 -> [web-1, web-2]
 *   restart rs-1 succeeded, or a deploy rolled back -> []
 */
export function instancesReleasedBy(operation: Pick<Operation, 'kind'>, ending: { status: OperationStatus; completed: boolean }, targets: OperationTarget[]): string[] {
  if (!ending.completed || operation.kind !== 'deploy' || ending.status !== 'succeeded') return [];
  return targets.filter((t) => t.changed).map((t) => t.instance_id).sort();
}
