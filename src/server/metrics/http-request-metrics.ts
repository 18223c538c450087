/**
 * Times every API request into `<ns>_http_request_duration_seconds`, labelled with the
 * route pattern fastify matched (`/api/v1/services/:name`), never the raw URL: a label
 * per URL would let any caller create unbounded series. A request no route matched is
 * labelled UNMATCHED_ROUTE.
 */
import type { FastifyInstance } from 'fastify';
import type { FerryMetrics } from './ferry-metrics.js';

export const UNMATCHED_ROUTE = 'unmatched';

export function timeRequests(app: FastifyInstance, metrics: FerryMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.observeHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
