/**
 * POST /services/{service}/channels/{channel}/deploy: a partial deployment of the version
 * to the channel's instances, through createDeployment, so the service lock, release
 * registration and freeze windows apply as to any deployment. Success pins those
 * instances (the planner does) and starts the soak (apply-channel-outcome.ts).
 * `stable` is never deployed here: its version moves only by promotion or rollback.
 * Never a canary strategy: the channel already is the canary (core/channels/channel-strategy.ts).
 */
import { STABLE } from '../../../core/channels/channel-instances.js';
import { channelDeployStrategy } from '../../../core/channels/channel-strategy.js';
import { UnprocessableError } from '../../../core/errors.js';
import type { Operation } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import { createDeployment } from '../deployments/create-deployment.js';
import { requireService } from '../services/service-lookup.js';
import type { Caller } from '../shared/caller.js';
import type { ChannelDeployRequest } from './channel-body.js';
import { appendChannelRow } from './channel-history-writer.js';
import { channelInstanceIds, loadChannels, requireChannel } from './channel-lookup.js';

export async function deployToChannel(ctx: ServerContext, serviceName: string, channel: string, body: ChannelDeployRequest, caller: Caller): Promise<Operation> {
  const service = await requireService(ctx.store, serviceName);
  const channels = await loadChannels(ctx, ctx.store, service);
  requireChannel(channels, serviceName, channel);
  if (channel === STABLE) {
    throw new UnprocessableError('stable_needs_promotion', `stable runs the desired version of ${serviceName}; deploy to another channel and promote it (POST /api/v1/services/${serviceName}/channels/promote)`, { service: serviceName, channel });
  }
  const instances = channelInstanceIds(channels, channel);
  const reason = body.reason?.trim() || null;
  return createDeployment(ctx, { service: serviceName, version: body.version, instances, strategy: channelDeployStrategy(service.strategy), ...(body.override_freeze ? { override_freeze: body.override_freeze } : {}) }, caller, ['deploy_started'], {
    action: 'channel_deploy',
    details: { channel, reason },
    onCreated: async (tx, operation, now) => void (await appendChannelRow(tx, operation, channel, reason, caller, now)),
  });
}
