/** Channels with promotion (CONTRACT §4 Channels): read them, deploy to one, promote to stable, roll one back. */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { iso } from '../../../core/iso-time.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { loadOperationDetail, presentRollback } from '../operations/operation-presenter.js';
import { requireService } from '../services/service-lookup.js';
import { callerOf } from '../shared/caller.js';
import { ServiceParams } from '../shared/schemas.js';
import { ChannelDeployBody, ChannelParams, ChannelRollbackBody, PromotionBody, type ChannelDeployRequest, type ChannelRollbackRequest, type PromotionRequest } from './channel-body.js';
import { deployToChannel } from './channel-deploy.js';
import { loadChannels } from './channel-lookup.js';
import { presentChannel } from './channel-presenter.js';
import { promoteChannel } from './channel-promotion.js';
import { rollBackChannel } from './channel-rollback.js';

const tags = ['channels'];

export function registerChannelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/services/:service/channels', { config: { access: 'read' }, schema: { params: ServiceParams, tags } }, async (request) => {
    const name = checkedName((request.params as Static<typeof ServiceParams>).service, 'service');
    const service = await requireService(ctx.store, name);
    const { views } = await loadChannels(ctx, ctx.store, service);
    return { service: name, channels: views.map(presentChannel) };
  });

  app.post('/api/v1/services/:service/channels/promote', { config: { access: 'deploy' }, schema: { params: ServiceParams, body: PromotionBody, tags } }, async (request, reply) => {
    const name = checkedName((request.params as Static<typeof ServiceParams>).service, 'service');
    const body = request.body as PromotionRequest;
    const operation = await promoteChannel(ctx, name, body, callerOf(request));
    return reply.status(202).send({ deploy_id: operation.id, status: operation.status, service: name, from: body.from, to: body.to, version: operation.version, started_at: iso(operation.created_at) });
  });

  app.post('/api/v1/services/:service/channels/:channel/deploy', { config: { access: 'deploy' }, schema: { params: ChannelParams, body: ChannelDeployBody, tags } }, async (request, reply) => {
    const params = request.params as Static<typeof ChannelParams>;
    const name = checkedName(params.service, 'service');
    const operation = await deployToChannel(ctx, name, params.channel, request.body as ChannelDeployRequest, callerOf(request));
    const targets = await ctx.store.listTargets(operation.id);
    return reply.status(202).send({ deploy_id: operation.id, status: operation.status, service: name, channel: params.channel, version: operation.version, instances: targets.map((t) => t.instance_id), started_at: iso(operation.created_at) });
  });

  app.post('/api/v1/services/:service/channels/:channel/rollback', { config: { access: 'deploy' }, schema: { params: ChannelParams, body: ChannelRollbackBody, tags } }, async (request, reply) => {
    const params = request.params as Static<typeof ChannelParams>;
    const name = checkedName(params.service, 'service');
    const operation = await rollBackChannel(ctx, name, params.channel, request.body as ChannelRollbackRequest, callerOf(request));
    return reply.status(202).send({ ...presentRollback(await loadOperationDetail(ctx, operation)), channel: params.channel });
  });
}
