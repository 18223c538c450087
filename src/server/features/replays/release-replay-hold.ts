/**
 * A person's release of an instance a replay after a rollback holds (`POST
 * /api/v1/instances/{id}/release`): the hold is lifted and audited, so the instance takes
 * sessions again whatever its replay said. Returns false when the instance is not held.
 */
import { eventOf } from '../../../core/events/event-catalogue.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { callerEventIds, type Caller } from '../shared/caller.js';
import { requireInstance } from '../services/service-lookup.js';

export async function releaseReplayHold(ctx: ServerContext, instanceId: string, caller: Caller): Promise<boolean> {
  return transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const instance = await requireInstance(tx, instanceId);
    const hold = instance.replay_hold ?? null;
    if (hold === null) return false;
    await tx.setReplayHold([instanceId], null, { onlyIfReplayId: hold.replay_id });
    const envelope = { at: ctx.now(), service: instance.service, version: instance.observed?.version ?? null, instance_id: instanceId, deploy_id: null, actor: caller.actor, correlation_id: caller.correlationId, ...callerEventIds(caller) };
    await recordEvent(tx, eventOf('replay_hold_released', envelope, { replay_id: hold.replay_id, failed: hold.failed, request_correlation_id: caller.correlationId }));
    return true;
  });
}
