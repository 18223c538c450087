/** Deployments (CONTRACT §2 Deployments, seed 001 §3.1). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { loadOperationDetail, presentDeployment } from '../operations/operation-presenter.js';
import { IdParams } from '../shared/schemas.js';
import { controlDeployment } from './control-deployment.js';
import { createDeployment, previewDeployment } from './create-deployment.js';
import { DeploymentBody } from './deployment-body.js';
import { callerOf } from '../shared/caller.js';

const ListQuery = Type.Object({ service: Type.Optional(Type.String()), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })) });

export function registerDeploymentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/deployments', { config: { access: 'deploy' }, schema: { body: DeploymentBody, tags: ['deployments'] } }, async (request, reply) => {
    const { dry_run: dryRun, ...body } = request.body as Static<typeof DeploymentBody>;
    const caller = callerOf(request);
    if (dryRun === true) return reply.status(200).send(await previewDeployment(ctx, body, caller));
    const operation = await createDeployment(ctx, body, caller);
    return reply.status(202).send({ deploy_id: operation.id, status: operation.status, started_at: new Date(operation.created_at).toISOString() });
  });

  app.get('/api/v1/deployments/:id', { config: { access: 'read' }, schema: { params: IdParams, tags: ['deployments'] } }, async (request) => {
    const { id } = request.params as Static<typeof IdParams>;
    const operation = await ctx.store.getOperation(id);
    if (operation === undefined || operation.kind === 'rollback') {
      throw new NotFoundError('deployment_not_found', `deployment ${id} does not exist`, { deploy_id: id });
    }
    return presentDeployment(await loadOperationDetail(ctx, operation));
  });

  for (const control of ['pause', 'resume', 'promote', 'abort'] as const) {
    app.post(`/api/v1/deployments/:id/${control}`, { config: { access: 'deploy' }, schema: { params: IdParams, tags: ['deployments'] } }, async (request) => {
      const { id } = request.params as Static<typeof IdParams>;
      const operation = await controlDeployment(ctx, id, control, callerOf(request));
      return presentDeployment(await loadOperationDetail(ctx, operation));
    });
  }

  app.get('/api/v1/deployments', { config: { access: 'read' }, schema: { querystring: ListQuery, tags: ['deployments'] } }, async (request) => {
    const query = request.query as Static<typeof ListQuery>;
    const service = query.service === undefined ? undefined : checkedName(query.service, 'service');
    const operations = await ctx.store.listOperations({
      ...(service ? { service } : {}),
      kinds: ['deploy', 'restart'],
      limit: query.limit ? Number(query.limit) : 100,
    });
    const deployments = await Promise.all(operations.map(async (op) => presentDeployment(await loadOperationDetail(ctx, op))));
    return { deployments };
  });
}
