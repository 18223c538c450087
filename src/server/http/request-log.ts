/**
 * One log line per answered request, through the request's own logger, so it carries
 * `request_id` (fastify's id, under that label) and `correlation_id` like every other line
 * written while handling the request. Reads are frequent (agents poll, dashboards refresh):
 * a successful GET is logged at debug, a successful change at info. Refusals (4xx) are
 * logged by the error reply with their error_code; unexpected errors (500) there too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Route parameters worth a field of their own, under the §3 names. */
const PARAM_FIELDS: Record<string, string> = { service: 'service', host: 'host', id: 'id', session_id: 'session_id', token_id: 'token_id' };

export function logAnsweredRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400) return;
    const fields = { method: request.method, route: request.routeOptions.url ?? null, status_code: reply.statusCode, duration_ms: Math.round(reply.elapsedTime), ...paramFields(request) };
    if (request.method === 'GET' || request.method === 'HEAD') request.log.debug(fields, 'request answered');
    else request.log.info(fields, 'request answered');
  });
}

function paramFields(request: FastifyRequest): Record<string, string> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(PARAM_FIELDS)) if (typeof params[name] === 'string') fields[field] = (params[name] as string).slice(0, 200);
  return fields;
}
