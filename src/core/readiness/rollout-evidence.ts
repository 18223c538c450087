/**
 * Ferry's own `rollout` evidence (CONTRACT §4): a canary of a release that ran all its
 * steps healthy says the release behaved on real traffic; one that failed, was rolled
 * back or was aborted gives no such proof, so it says failed. One decision, for both
 * writers: the end of a deployment with a canary strategy (`rolloutEvidenceOf`, asked by
 * the reconciler) and the end of a deploy to the canary channel (core/channels'
 * `channelOutcome`). Pure: the caller appends the draft in the transaction of the ending.
 */
import type { Operation, OperationStatus, Reason } from '../types.js';
import { FERRY_SOURCE, type EvidenceDraft } from './evidence.js';
import { MAX_SUMMARY_CHARS } from './evidence-input.js';

/** How a pass ended the operation: its final status and reason. */
export interface OperationEnding {
  status: OperationStatus;
  reason?: Reason | null;
}

/** The endings that say the canary is no evidence of a healthy release. */
const ENDED_BADLY: readonly OperationStatus[] = ['failed', 'rolled_back', 'aborted'];

/** The release a canary ran: the operation, and the release it carried there. */
export interface CanaryRun {
  operation: Operation;
  /** The release the canary carried (a channel entry's, or the operation's). */
  service: string;
  version: string;
  /** The channel it ran on, when it was a channel deploy; named in `details`. */
  channel?: string;
}

/**
 * The `rollout` record a canary's end writes, or null while it has not ended:
 *   succeeded                   → passed true  "canary dep-7 completed its steps healthy"
 *   failed / rolled_back        → passed false "canary dep-7 rolled_back: <reason>"
 *   aborted                     → passed false "canary dep-7 aborted: <reason>": whoever
 *     stopped it, an aborted canary never showed the release healthy, so it must not
 *     leave an older passed record standing as the newest.
 *   pending, running, paused, … → null
 */
export function rolloutRecordOf(run: CanaryRun, ending: OperationEnding, now: number): EvidenceDraft | null {
  const { operation, service, version, channel } = run;
  const succeeded = ending.status === 'succeeded';
  if (!succeeded && !ENDED_BADLY.includes(ending.status)) return null;
  // Ferry wrote it (source), on behalf of whoever started the deployment (actor), like every event of the operation.
  const base = { service, version, check: 'rollout', url: null, source: FERRY_SOURCE, actor: operation.actor, correlation_id: operation.correlation_id, recorded_at: now };
  const where = channel === undefined ? {} : { channel };
  if (succeeded) {
    return { ...base, passed: true, summary: `canary ${operation.id} completed its steps healthy`, details: { deploy_id: operation.id, ...where } };
  }
  const reason = ending.reason ?? operation.reason;
  const why = reason ? `: ${reason.message}` : '';
  return { ...base, passed: false, summary: `canary ${operation.id} ${ending.status}${why}`.slice(0, MAX_SUMMARY_CHARS), details: { deploy_id: operation.id, ...where, status: ending.status, reason: reason ?? null } };
}

/**
 * The `rollout` record the end of a deployment with a canary strategy writes, or null
 * for any other operation (rolling deployments, restarts, rollbacks) or one not ended.
 */
export function rolloutEvidenceOf(operation: Operation, ending: OperationEnding, now: number): EvidenceDraft | null {
  if (operation.kind !== 'deploy' || operation.version === null || operation.strategy.type !== 'canary') return null;
  return rolloutRecordOf({ operation, service: operation.service, version: operation.version }, ending, now);
}
