/** A deployment's analysis (CONTRACT §5): its judgement and measurements. */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import type { ServerContext } from '../../server-context.js';
import { IdParams } from '../shared/schemas.js';
import { analysisJudgementFor } from './analysis-judgement-source.js';
import { presentAnalysis } from './analysis-presenter.js';

export function registerAnalysisRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/deployments/:id/analysis', { config: { access: 'read' }, schema: { params: IdParams, tags: ['deployments'] } }, async (request) => {
    const { id } = request.params as Static<typeof IdParams>;
    const operation = await ctx.store.getOperation(id);
    if (operation === undefined || operation.kind === 'rollback') throw new NotFoundError('deployment_not_found', `deployment ${id} does not exist`, { deploy_id: id });
    const service = await ctx.store.getService(operation.service);
    const [targets, measurements, judgement] = await Promise.all([
      ctx.store.listTargets(id),
      ctx.store.listAnalysisMeasurements(id),
      service === undefined ? undefined : analysisJudgementFor(ctx.store, operation, service, ctx.now()),
    ]);
    return presentAnalysis(operation, targets, judgement, measurements);
  });
}
