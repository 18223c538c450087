/**
 * When an operation ends, what that means for the channel it carries a change of (if any):
 * the soak starts on success, and a canary deploy leaves Ferry's `rollout` evidence for its
 * release. Decided in core (channel-outcome.ts), stored here in the plan's transaction, so
 * the operation's end and its channel consequences commit together.
 */
import { channelOutcome, type OperationEnd } from '../../core/channels/channel-outcome.js';
import type { Operation } from '../../core/types.js';
import type { Store } from '../../store/store.js';

export async function applyChannelOutcome(tx: Store, operation: Operation, end: OperationEnd, now: number): Promise<void> {
  const entry = await tx.channelEntryOfOperation(operation.id);
  if (entry === undefined) return;
  const outcome = channelOutcome(entry, operation, end, now);
  if (outcome.soakStartedAt !== null) await tx.startChannelSoak(operation.id, outcome.soakStartedAt);
  if (outcome.evidence !== null) await tx.appendEvidence(outcome.evidence);
}
