/**
 * The control plane's own probes (seed 000 R4): readiness, its immutable version, and
 * Prometheus metrics (text 0.0.4, or OpenMetrics when asked for). None of them needs a
 * token, so load balancers and scrapers work.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server-context.js';
import { ferryBuildInfo } from './build-info.js';

export function registerProbeRoutes(app: FastifyInstance, ctx: ServerContext, isReady: () => boolean = () => true): void {
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['probes'] } }, async (_request, reply) => {
    const ready = isReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'starting', ready });
  });
  app.get('/version', { config: { access: 'public' }, schema: { tags: ['probes'] } }, async () => ({ service: 'ferry-server', ...ferryBuildInfo(), ready: isReady() }));
  // Reads memory only (server/metrics/): counters kept as events happen, gauges kept by the reconcile loop.
  app.get('/metrics', { config: { access: 'public' }, schema: { tags: ['probes'] } }, async (request, reply) => {
    const scrape = await ctx.metrics.scrape(asksForOpenMetrics(request.headers.accept));
    return reply.type(scrape.contentType).send(scrape.body);
  });
}

/** True when the Accept header names OpenMetrics (as Prometheus's scraper does); text 0.0.4 otherwise. */
export function asksForOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*application\/openmetrics-text\s*(;|,|$)/i.test(accept.slice(0, 1024));
}
