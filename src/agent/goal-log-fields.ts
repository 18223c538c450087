/**
 * What the agent's log lines about a goal say about where it came from: the operation
 * that set it and the correlation id of the request that started that operation, so one
 * deployment can be followed from the API call to every host. Null fields when no
 * operation set the goal or the server is older than the `operation` field.
 */
import type { InstanceAssignment } from '../core/agent-protocol.js';
import { parseTraceparent } from '../core/correlation/trace-context.js';

export interface GoalLogFields {
  operation_id: string | null;
  operation_kind: string | null;
  correlation_id: string | null;
  /** Present only when the server sent a trace context: the operation's trace and root span. */
  traceparent?: string;
  trace_id?: string;
}

export function goalLogFields(a: Pick<InstanceAssignment, 'operation'>): GoalLogFields {
  const op = a.operation ?? null;
  const trace = parseTraceparent(op?.traceparent);
  return {
    operation_id: op?.id ?? null,
    operation_kind: op?.kind ?? null,
    correlation_id: op?.correlation_id ?? null,
    ...(op?.traceparent ? { traceparent: op.traceparent } : {}),
    ...(trace !== null ? { trace_id: trace.trace_id } : {}),
  };
}
