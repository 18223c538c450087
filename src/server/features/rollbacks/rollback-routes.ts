/** Rollbacks, their own resource (CONTRACT §2 Rollbacks, seed 001 §3.3, seed 000 R6). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { loadOperationDetail, presentRollback, rollbackStatus } from '../operations/operation-presenter.js';
import { IdParams, ServiceParams } from '../shared/schemas.js';
import { requireInstance } from '../services/service-lookup.js';
import { rollBack, rollBackService } from './create-rollback.js';
import { callerOf } from '../shared/caller.js';

const InstanceRollbackBody = Type.Object(
  { instance_id: Type.String({ maxLength: 200 }), target_version: Type.String(), package_url: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const BatchRollbackBody = Type.Object(
  {
    service: Type.String(),
    target_version: Type.String(),
    package_url: Type.Optional(Type.String()),
    instances: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);
const ServiceRollbackBody = Type.Object(
  { to_version: Type.Optional(Type.String()), reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ service: Type.Optional(Type.String()), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })) });

export function registerRollbackRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/rollbacks/instance', { config: { access: 'deploy' }, schema: { body: InstanceRollbackBody, tags: ['rollbacks'] } }, async (request, reply) => {
    const body = request.body as Static<typeof InstanceRollbackBody>;
    const instance = await requireInstance(ctx.store, body.instance_id);
    const caller = callerOf(request);
    const op = await rollBack(ctx, { service: instance.service, target_version: body.target_version, instances: [instance.instance_id], package_url: body.package_url }, caller);
    return reply.status(202).send({ rollback_id: op.id, instance_id: instance.instance_id, target_version: op.version, status: rollbackStatus(op) });
  });

  app.post('/api/v1/rollbacks/batch', { config: { access: 'deploy' }, schema: { body: BatchRollbackBody, tags: ['rollbacks'] } }, async (request, reply) => {
    const body = request.body as Static<typeof BatchRollbackBody>;
    const caller = callerOf(request);
    const op = await rollBack(ctx, body, caller);
    const targets = await ctx.store.listTargets(op.id);
    return reply.status(202).send({ rollback_id: op.id, service: op.service, target_version: op.version, status: rollbackStatus(op), instances: targets.map((t) => t.instance_id) });
  });

  app.post('/api/v1/services/:service/rollback', { config: { access: 'deploy' }, schema: { params: ServiceParams, body: Type.Optional(ServiceRollbackBody), tags: ['rollbacks'] } }, async (request, reply) => {
    const service = checkedName((request.params as Static<typeof ServiceParams>).service, 'service');
    const body = (request.body ?? {}) as Static<typeof ServiceRollbackBody>;
    const { operation, targetReason } = await rollBackService(ctx, service, body, callerOf(request));
    return reply.status(202).send({ ...presentRollback(await loadOperationDetail(ctx, operation)), target_reason: targetReason });
  });

  app.get('/api/v1/rollbacks/:id', { config: { access: 'read' }, schema: { params: IdParams, tags: ['rollbacks'] } }, async (request) => {
    const { id } = request.params as Static<typeof IdParams>;
    const op = await ctx.store.getOperation(id);
    if (op === undefined || op.kind !== 'rollback') throw new NotFoundError('rollback_not_found', `rollback ${id} does not exist`, { rollback_id: id });
    return presentRollback(await loadOperationDetail(ctx, op));
  });

  app.get('/api/v1/rollbacks', { config: { access: 'read' }, schema: { querystring: ListQuery, tags: ['rollbacks'] } }, async (request) => {
    const query = request.query as Static<typeof ListQuery>;
    const service = query.service === undefined ? undefined : checkedName(query.service, 'service');
    const ops = await ctx.store.listOperations({ ...(service ? { service } : {}), kinds: ['rollback'], limit: query.limit ? Number(query.limit) : 100 });
    return { rollbacks: await Promise.all(ops.map(async (op) => presentRollback(await loadOperationDetail(ctx, op)))) };
  });
}
