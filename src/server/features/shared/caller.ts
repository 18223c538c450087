/**
 * Who asked for a change, as every feature records it in its audit events: the actor
 * (the token's name, refined by `x-ferry-actor`), the request's correlation id, and where
 * known the request's id and the trace context it runs in. The HTTP layer fills it from
 * the request (`callerOf`); features never see the request itself.
 */
import type { FastifyRequest } from 'fastify';
import type { TraceContext } from '../../../core/correlation/trace-context.js';

export interface Caller {
  actor: string;
  correlationId: string;
  /** The request's id (x-request-id); absent for work no request started. */
  requestId?: string;
  /** The trace context work this request starts parents under; absent or null when there is none. */
  traceContext?: TraceContext | null;
}

/** The caller of a request that passed authorization (its actor, ids and trace context). */
export function callerOf(request: FastifyRequest): Caller {
  return { actor: request.actor, correlationId: request.correlationId, requestId: request.id, traceContext: request.traceContext };
}

/**
 * The ids an audit event recorded on a caller's behalf carries besides its correlation id:
 * the request's id and the trace it ran in, so `GET /api/v1/audit?trace_id=` and the
 * request id in a log line both lead to the change that request made.
 */
export function callerEventIds(caller: Caller): { request_id: string | null; trace_id: string | null } {
  return { request_id: caller.requestId ?? null, trace_id: caller.traceContext?.trace_id ?? null };
}
