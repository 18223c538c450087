/**
 * When an operation ends, what that means for the channel it carries a change of (if any):
 * the soak starts on success, and a canary deploy leaves Ferry's `rollout` evidence for its
 * release. Decided in core (channel-outcome.ts), stored here in the plan's transaction, so
 * the operation's end and its channel consequences commit together.
 */
import { channelOutcome, type OperationEnd } from '../../core/channels/channel-outcome.js';
import type { Operation } from '../../core/types.js';
import type { Store } from '../../store/store.js';
import { appendEvidenceRecorded } from '../features/readiness/append-evidence.js';

/** Returns true when it wrote the release's `rollout` evidence, so no other writer records the same end twice. */
export async function applyChannelOutcome(tx: Store, operation: Operation, end: OperationEnd, now: number): Promise<boolean> {
  const entry = await tx.channelEntryOfOperation(operation.id);
  if (entry === undefined) return false;
  const outcome = channelOutcome(entry, operation, end, now);
  if (outcome.soakStartedAt !== null) await tx.startChannelSoak(operation.id, outcome.soakStartedAt);
  if (outcome.evidence === null) return false;
  await appendEvidenceRecorded(tx, outcome.evidence, { request_id: operation.request_id ?? null, trace_id: operation.trace?.trace_id ?? null, deploy_id: operation.id });
  return true;
}
