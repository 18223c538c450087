/**
 * The control plane's own probes (seed 000 R4): readiness, its immutable version, and
 * Prometheus metrics. None of them needs a token, so load balancers and scrapers work.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server-context.js';
import { ferryBuildInfo } from './build-info.js';
import { createFleetMetrics } from './fleet-metrics.js';

export function registerProbeRoutes(app: FastifyInstance, ctx: ServerContext, isReady: () => boolean = () => true): void {
  const metrics = createFleetMetrics(ctx);
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['probes'] } }, async (_request, reply) => {
    const ready = isReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'starting', ready });
  });
  app.get('/version', { config: { access: 'public' }, schema: { tags: ['probes'] } }, async () => ({ service: 'ferry-server', ...ferryBuildInfo(), ready: isReady() }));
  app.get('/metrics', { config: { access: 'public' }, schema: { tags: ['probes'] } }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
