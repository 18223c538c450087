/**
 * Writes a channel change's history row inside the transaction that creates its operation,
 * so a change that was refused leaves no row, and a row always names a stored operation.
 */
import { STABLE } from '../../../core/channels/channel-instances.js';
import type { Operation } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { Caller } from '../shared/caller.js';

export function appendChannelRow(tx: Store, operation: Operation, channel: string, reason: string | null, caller: Caller, now: number) {
  return tx.appendChannelEntry({
    service: operation.service,
    channel,
    version: operation.version ?? '',
    at: now,
    actor: caller.actor,
    reason,
    correlation_id: caller.correlationId,
    deploy_id: operation.id,
  });
}

/**
 * Stable's row for a whole-service operation (any deployment or rollback of the whole
 * service moves its desired version, so stable's history and `updated_at` must show it);
 * nothing for a partial one. Called once per operation, by createDeployment and rollBack,
 * so a promotion or a stable channel rollback writes no second row of its own.
 */
export async function appendStableRowIfWhole(tx: Store, operation: Operation, reason: string | null, caller: Caller, now: number): Promise<void> {
  if (operation.whole_service) await appendChannelRow(tx, operation, STABLE, reason, caller, now);
}

/** The audit envelope of a channel event: the caller's identity, the operation's ids and trace. */
export function channelEventEnvelope(operation: Operation, caller: Caller, now: number) {
  return {
    at: now,
    service: operation.service,
    version: operation.version,
    instance_id: null,
    deploy_id: operation.id,
    actor: caller.actor,
    correlation_id: caller.correlationId,
    trace_id: operation.trace?.trace_id ?? null,
    request_id: caller.requestId ?? null,
  };
}
