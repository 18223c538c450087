/**
 * The trace an operation runs in, decided when it starts. Its root span's id is chosen
 * here rather than by the tracer, because the root span is emitted only when the operation
 * ends (perhaps by another server process), while agents' spans must name it as their
 * parent from the first goal on.
 */
import type { OperationTrace } from '../types.js';
import type { TraceContext } from './trace-context.js';

/** Random ids the caller drew: a trace id for when no context is given, and the root span's id. */
export interface FreshTraceIds {
  trace_id: string;
  span_id: string;
}

/**
 * Joins the starting request's context when there is one, else begins a sampled trace.
 *
 *   parent { trace T, span P, flags 00 } → { trace_id: T, root_span_id: fresh.span, parent_span_id: P, flags: '00' }
 *   no parent                            → { trace_id: fresh.trace, root_span_id: fresh.span, parent_span_id: null, flags: '01' }
 */
export function operationTraceOf(parent: TraceContext | null, fresh: FreshTraceIds): OperationTrace {
  if (parent === null) return { trace_id: fresh.trace_id, root_span_id: fresh.span_id, parent_span_id: null, flags: '01' };
  return { trace_id: parent.trace_id, root_span_id: fresh.span_id, parent_span_id: parent.span_id, flags: parent.flags };
}
