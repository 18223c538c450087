/**
 * POST /services/{service}/channels/{channel}/rollback: the emergency way back. `stable`
 * rolls the whole service back to `to_version` (preempting an active deployment, as the
 * one-click rollback does); another channel rolls back its own instances. Through the
 * rollback creation code, so never frozen and never held to soak or readiness; the
 * reason is required and audited `channel_rolled_back` with the actor.
 */
import { STABLE } from '../../../core/channels/channel-instances.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import type { Operation } from '../../../core/types.js';
import { recordEvent } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { rollBack } from '../rollbacks/create-rollback.js';
import { requireService } from '../services/service-lookup.js';
import type { Caller } from '../shared/caller.js';
import type { ChannelRollbackRequest } from './channel-body.js';
import { appendChannelRow, channelEventEnvelope } from './channel-history-writer.js';
import { channelInstanceIds, loadChannels, requireChannel } from './channel-lookup.js';
import { requireReason } from './channel-reason.js';

export async function rollBackChannel(ctx: ServerContext, serviceName: string, channel: string, body: ChannelRollbackRequest, caller: Caller): Promise<Operation> {
  const reason = requireReason(body.reason, 'a channel rollback');
  const service = await requireService(ctx.store, serviceName);
  const channels = await loadChannels(ctx, ctx.store, service);
  requireChannel(channels, serviceName, channel);
  const instances = channel === STABLE ? undefined : channelInstanceIds(channels, channel);
  const input = { service: serviceName, target_version: body.to_version, reason, ...(instances !== undefined ? { instances } : {}) };
  return rollBack(ctx, input, caller, true, { channel, reason }, async (tx, operation, now) => {
    // rollBack itself writes stable's row for a whole-service rollback; another channel's is ours.
    if (channel !== STABLE) await appendChannelRow(tx, operation, channel, reason, caller, now);
    const targets = await tx.listTargets(operation.id);
    const details = { channel, to_version: body.to_version, reason, rollback_id: operation.id, instances: targets.map((t) => t.instance_id) };
    await recordEvent(tx, eventOf('channel_rolled_back', channelEventEnvelope(operation, caller, now), details));
  });
}
