/**
 * What the agent's log lines about a goal say about where it came from: the operation
 * that set it (`deploy_id`, CONTRACT §3's name for the job id) and the correlation id of
 * the request that started that operation, so one deployment can be followed from the API
 * call to every host. Null fields when no operation set the goal or the server is older
 * than the `operation` field. With a W3C traceparent, its trace id and parent span id too.
 */
import type { InstanceAssignment } from '../core/agent-protocol.js';
import { parseTraceparent } from '../core/correlation/trace-context.js';

export interface GoalLogFields {
  deploy_id: string | null;
  operation_kind: string | null;
  correlation_id: string | null;
  /** Present only when the server sent a trace context: the operation's trace and root span. */
  traceparent?: string;
  trace_id?: string;
  span_id?: string;
}

export function goalLogFields(a: Pick<InstanceAssignment, 'operation'>): GoalLogFields {
  const op = a.operation ?? null;
  const trace = parseTraceparent(op?.traceparent);
  return {
    deploy_id: op?.id ?? null,
    operation_kind: op?.kind ?? null,
    correlation_id: op?.correlation_id ?? null,
    ...(op?.traceparent ? { traceparent: op.traceparent } : {}),
    ...(trace !== null ? { trace_id: trace.trace_id, span_id: trace.span_id } : {}),
  };
}
