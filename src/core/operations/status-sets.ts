/**
 * The sets of operation and target statuses that decisions depend on, named once so the
 * planner, drift detection and the read models cannot disagree about what "in flight"
 * means. Each set answers one question:
 *
 *   awaitsAgent      deploying, verifying, reverting    a goal is out; its outcome is awaited
 *   holdsBatchSlot   draining, deploying, healthy       counts against the batch window (a
 *                                                        healthy target still waits out its gate)
 *   isInFlight       holdsBatchSlot ∪ awaitsAgent       being changed now (what a person sees)
 *   leftToOperation  isInFlight − draining ∪ failed,    drift leaves the instance alone: the
 *                    revert_failed                       operation changes it, or owes it a revert
 *   isTerminal       succeeded, failed, rolled_back,    an operation never changes again
 *                    aborted
 */
import { ACTIVE_OPERATION_STATUSES, type OperationStatus, type TargetStatus } from '../types.js';

const AWAITS_AGENT: ReadonlySet<TargetStatus> = new Set(['deploying', 'verifying', 'reverting']);
const HOLDS_BATCH_SLOT: ReadonlySet<TargetStatus> = new Set(['draining', 'deploying', 'healthy']);
const IN_FLIGHT: ReadonlySet<TargetStatus> = new Set([...HOLDS_BATCH_SLOT, ...AWAITS_AGENT]);
// A draining instance still runs its old version, which is what it should run: drift checks it.
const LEFT_TO_OPERATION: ReadonlySet<TargetStatus> = new Set([...[...IN_FLIGHT].filter((s) => s !== 'draining'), 'failed', 'revert_failed']);
export const TERMINAL_OPERATION_STATUSES: readonly OperationStatus[] = ['succeeded', 'failed', 'rolled_back', 'aborted'];

export function awaitsAgent(status: TargetStatus): boolean {
  return AWAITS_AGENT.has(status);
}

export function holdsBatchSlot(status: TargetStatus): boolean {
  return HOLDS_BATCH_SLOT.has(status);
}

export function isInFlight(status: TargetStatus): boolean {
  return IN_FLIGHT.has(status);
}

export function leftToOperation(status: TargetStatus): boolean {
  return LEFT_TO_OPERATION.has(status);
}

export function isTerminal(status: OperationStatus): boolean {
  return TERMINAL_OPERATION_STATUSES.includes(status);
}

export function isActive(status: OperationStatus): boolean {
  return ACTIVE_OPERATION_STATUSES.includes(status);
}
