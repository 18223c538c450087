/**
 * One log line per answered request, through the request's own logger, so it carries
 * `request_id` (fastify's id, under that label) and `correlation_id` like every other line
 * written while handling the request. An operator's change is logged at info. Reads are
 * frequent (agents poll, dashboards refresh), and so is machine traffic: an agent's
 * heartbeats and reports, and session placement, the data plane's hot path whose record is
 * the session itself. Those are logged at debug, told apart by the matched route's access
 * rule, never by its URL. Refusals (4xx) are logged by the error reply with their error_code;
 * unexpected errors (500) there too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Route parameters worth a field of their own, under the §3 names. */
const PARAM_FIELDS: Record<string, string> = { service: 'service', host: 'host', id: 'id', session_id: 'session_id', token_id: 'token_id' };

export function logAnsweredRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400) return;
    const fields = { method: request.method, route: request.routeOptions.url ?? null, status_code: reply.statusCode, duration_ms: Math.round(reply.elapsedTime), ...paramFields(request) };
    if (isRoutine(request)) request.log.debug(fields, 'request answered');
    else request.log.info(fields, 'request answered');
  });
}

/** Reads, and the traffic of agents and session placement, which come many times a second. */
function isRoutine(request: FastifyRequest): boolean {
  const access = request.routeOptions.config.access;
  return request.method === 'GET' || request.method === 'HEAD' || access === 'agent' || access === 'sessions';
}

function paramFields(request: FastifyRequest): Record<string, string> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(PARAM_FIELDS)) if (typeof params[name] === 'string') fields[field] = (params[name] as string).slice(0, 200);
  return fields;
}
