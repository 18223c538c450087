/**
 * The ids an audit event recorded on a caller's behalf carries besides its correlation id:
 * the request's id and the trace it ran in, so `GET /api/v1/audit?trace_id=` and the
 * request id in a log line both lead to the change that request made.
 */
import type { Caller } from '../releases/release-service.js';

export function callerEventIds(caller: Caller): { request_id: string | null; trace_id: string | null } {
  return { request_id: caller.requestId ?? null, trace_id: caller.traceContext?.trace_id ?? null };
}
