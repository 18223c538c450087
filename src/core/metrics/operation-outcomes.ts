/**
 * Which metric an event counts toward, decided from the event alone (CONTRACT §3,
 * Metrics). Counters and duration histograms are fed from committed events, so a scrape
 * never reads the store and a count never depends on how many operations are kept.
 *
 * Worked examples:
 *   deploy_completed {kind deploy, duration_s 42}          → deployment succeeded, 42 s
 *   deploy_failed {rolled_back true} (after its revert)    → deployment rolled_back
 *   rollback_completed {automatic true, duration_s 3}       → rollback trigger auto, succeeded, 3 s
 *   rollback_completed {automatic true, reason analysis_failed} → rollback trigger analysis, succeeded
 *   rollback_completed {whole_service …} of a rollback op   → rollback trigger manual, succeeded
 *   deploy_aborted (planner or a one-click preemption)     → deployment aborted
 *   any other event                                         → nothing
 */
import type { FerryEvent } from '../events/event-catalogue.js';

export type DeploymentResult = 'succeeded' | 'failed' | 'rolled_back' | 'aborted';
export type RollbackResult = 'succeeded' | 'failed';
/**
 * Why a rollback ran: a person (`manual`, every rollback operation), the automatic revert
 * of a failed deployment (`auto`, or `analysis` when its analysis failed it); `drift`,
 * `channel` and `alert` are the contract's other triggers, for the features that will
 * start rollbacks themselves.
 */
export type RollbackTrigger = 'manual' | 'auto' | 'drift' | 'channel' | 'analysis' | 'alert';

export type OperationOutcome =
  | { metric: 'deployment'; service: string; kind: 'deploy' | 'restart'; result: DeploymentResult; duration_s: number }
  | { metric: 'rollback'; service: string; trigger: RollbackTrigger; result: RollbackResult; duration_s: number };

/** The outcome `event` records, or null when it ends nothing. */
export function operationOutcomeOf(event: FerryEvent): OperationOutcome | null {
  const service = event.service ?? 'unknown';
  switch (event.type) {
    case 'deploy_completed':
      return deployment(service, event.details.kind, 'succeeded', event.details.duration_s);
    case 'deploy_failed':
      return deployment(service, event.details.kind, event.details.rolled_back ? 'rolled_back' : 'failed', event.details.duration_s);
    case 'deploy_aborted':
      return deployment(service, event.details.kind, 'aborted', event.details.duration_s);
    case 'rollback_completed':
      return rollback(service, 'automatic' in event.details ? automaticTrigger(event.details.reason) : 'manual', 'succeeded', event.details.duration_s);
    case 'rollback_failed':
      return rollback(service, 'automatic' in event.details ? 'auto' : 'manual', 'failed', event.details.duration_s);
    default:
      return null;
  }
}

/** An automatic revert caused by a failed analysis counts as trigger `analysis`; any other as `auto`. */
function automaticTrigger(reason: { code: string }): RollbackTrigger {
  return reason.code === 'analysis_failed' ? 'analysis' : 'auto';
}

function deployment(service: string, kind: string, result: DeploymentResult, duration_s: number): OperationOutcome | null {
  // A rollback operation's end is written as rollback_*; a deploy_* of kind rollback would be a bug, not a deployment.
  if (kind !== 'deploy' && kind !== 'restart') return null;
  return { metric: 'deployment', service, kind, result, duration_s };
}

function rollback(service: string, trigger: RollbackTrigger, result: RollbackResult, duration_s: number): OperationOutcome {
  return { metric: 'rollback', service, trigger, result, duration_s };
}
