/**
 * HTTP server spans for the API, started only when tracing is on. A span is named by the
 * route pattern the router matched (`POST /api/v1/deployments`, `GET /api/v1/deployments/:id`),
 * never the raw URL, which may carry ids or secrets. It joins the caller's valid
 * `traceparent`, and becomes the context work the request starts parents under, so a
 * deployment's trace begins at the request that created it.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { remoteParent, type Tracing } from '../../tracing/start-tracing.js';

declare module 'fastify' {
  interface FastifyRequest {
    httpSpan?: Span;
  }
}

/** Starts `request`'s server span (call after its caller trace context is parsed). */
export function openHttpSpan(tracing: Tracing, request: FastifyRequest): void {
  const caller = request.traceContext;
  const parent = caller === null ? ROOT_CONTEXT : remoteParent(caller.trace_id, caller.span_id, caller.flags, ROOT_CONTEXT);
  const route = request.routeOptions.url;
  const span = tracing.tracer.startSpan(
    route === undefined ? request.method : `${request.method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, ...(route !== undefined ? { 'http.route': route } : {}), 'ferry.request_id': request.id } },
    parent,
  );
  request.httpSpan = span;
  const own = span.spanContext();
  request.traceContext = { trace_id: own.traceId, span_id: own.spanId, flags: own.traceFlags.toString(16).padStart(2, '0') };
}

/** Ends each request's span with its status code; a 5xx marks it an error. */
export function closeHttpSpans(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const span = request.httpSpan;
    if (span === undefined) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
