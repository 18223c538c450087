/**
 * The one place that turns failures into HTTP: domain error kinds and refusal kinds map
 * to status codes, everything is rendered as the contract's error body, and anything
 * unexpected becomes a 500 without a stack trace in the body.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FerryError, UnavailableError } from '../../core/errors.js';

const STATUS_BY_KIND: Record<FerryError['kind'], number> = {
  input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
};

/** Codes for fastify's own 4xx refusals; every other one is `invalid_request`. */
const FRAMEWORK_CODES: Record<number, string> = { 413: 'body_too_large', 414: 'uri_too_long', 415: 'unsupported_media_type' };

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof FerryError) {
    // An expected refusal: one line with its code and reason, never a stack trace.
    request.log.info({ error_code: error.code, status_code: STATUS_BY_KIND[error.kind], route: request.routeOptions?.url ?? null }, error.message);
    if (error instanceof UnavailableError) void reply.header('retry-after', String(error.retryAfterS));
    return reply.status(STATUS_BY_KIND[error.kind]).send(errorBody(error.code, error.message, error.details));
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const where = fastifyError.validationContext ?? 'request';
    const message = `invalid ${where}: ${fastifyError.message.replace(/^(body|querystring|params|headers)\/?/, '')}`;
    request.log.info({ error_code: 'invalid_request', status_code: 400, route: request.routeOptions?.url ?? null }, message);
    return reply.status(400).send(errorBody('invalid_request', message, { validation: fastifyError.validation }));
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = FRAMEWORK_CODES[status] ?? 'invalid_request';
    return reply.status(status).send(errorBody(code, fastifyError.message));
  }
  request.log.error({ err: error, error_code: 'internal_error' }, 'unexpected error');
  // The request id finds the log line; the correlation id (the request id unless the caller sent one) the rest.
  return reply.status(500).send(errorBody('internal_error', 'an unexpected error occurred; see the server log', { correlation_id: request.correlationId ?? request.id, request_id: request.id }));
}
