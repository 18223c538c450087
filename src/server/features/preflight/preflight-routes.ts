/** `GET /api/v1/releases/{service}/{version}/preflight` (CONTRACT §4): every reason V would be refused now. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server-context.js';
import { preflightRelease } from './preflight-service.js';

export function registerPreflightRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/releases/:service/:version/preflight', { config: { access: 'read' }, schema: { tags: ['releases'] } }, async (request) => {
    const { service, version } = request.params as { service: string; version: string };
    return preflightRelease(ctx, service, version);
  });
}
