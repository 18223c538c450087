/**
 * Ferry's own `rollout` evidence (CONTRACT §4): a canary deployment of a release that ran
 * all its steps healthy says the release behaved on real traffic; one that failed or was
 * rolled back says it did not. Pure: the reconciler asks this when a pass ends an
 * operation and appends the draft in the same transaction as the ending.
 */
import type { Operation, OperationStatus, Reason } from '../types.js';
import { FERRY_SOURCE, type EvidenceDraft } from './evidence.js';

/** How a pass ended the operation: its final status and reason. */
export interface OperationEnding {
  status: OperationStatus;
  reason?: Reason | null;
}

/**
 * The `rollout` record a canary deployment's end writes, or null when it writes none:
 *   canary, succeeded            → passed true  "canary dep-7 completed its steps healthy"
 *   canary, failed / rolled_back → passed false "canary dep-7 rolled_back: <reason>"
 *   aborted (an operator's call, not the release's fault), rolling, restart, rollback → null
 */
export function rolloutEvidenceOf(operation: Operation, ending: OperationEnding, now: number): EvidenceDraft | null {
  if (operation.kind !== 'deploy' || operation.version === null || operation.strategy.type !== 'canary') return null;
  // Ferry wrote it (source), on behalf of whoever started the deployment (actor), like every event of the operation.
  const base = { service: operation.service, version: operation.version, check: 'rollout', url: null, source: FERRY_SOURCE, actor: operation.actor, correlation_id: operation.correlation_id, recorded_at: now };
  if (ending.status === 'succeeded') {
    return { ...base, passed: true, summary: `canary ${operation.id} completed its steps healthy`, details: { deploy_id: operation.id } };
  }
  if (ending.status === 'failed' || ending.status === 'rolled_back') {
    const reason = ending.reason ?? operation.reason;
    const why = reason ? `: ${reason.message}` : '';
    return { ...base, passed: false, summary: `canary ${operation.id} ${ending.status}${why}`.slice(0, 2000), details: { deploy_id: operation.id, status: ending.status, reason: reason ?? null } };
  }
  return null;
}
