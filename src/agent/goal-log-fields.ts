/**
 * What the agent's log lines about a goal say about where it came from: the operation
 * that set it (`deploy_id`, CONTRACT §3's name for the job id) and the correlation id of
 * the request that started that operation, so one deployment can be followed from the API
 * call to every host. Null fields when no operation set the goal or the server is older
 * than the `operation` field. With a W3C traceparent, its trace id and parent span id too.
 */
import type { InstanceAssignment } from '../core/agent-protocol.js';

export interface GoalLogFields {
  deploy_id: string | null;
  operation_kind: string | null;
  correlation_id: string | null;
  /** Present only when the server sent a trace context. */
  traceparent?: string;
  trace_id?: string;
  span_id?: string;
}

/** `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`; anything else yields nothing. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export function goalLogFields(a: Pick<InstanceAssignment, 'operation'>): GoalLogFields {
  const op = a.operation ?? null;
  return {
    deploy_id: op?.id ?? null,
    operation_kind: op?.kind ?? null,
    correlation_id: op?.correlation_id ?? null,
    ...(op?.traceparent ? { traceparent: op.traceparent, ...traceIds(op.traceparent) } : {}),
  };
}

function traceIds(traceparent: string): { trace_id: string; span_id: string } | Record<string, never> {
  const m = TRACEPARENT.exec(traceparent);
  return m?.[1] !== undefined && m[2] !== undefined ? { trace_id: m[1], span_id: m[2] } : {};
}
