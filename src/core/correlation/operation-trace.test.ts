import { describe, expect, it } from 'vitest';
import { goalOperationOf } from '../types.js';
import { operationTraceOf } from './operation-trace.js';
import { parseTraceparent } from './trace-context.js';

const FRESH = { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) };

describe('operationTraceOf', () => {
  it('joins the caller trace and parents the root span under the caller span', () => {
    const parent = { trace_id: 'c'.repeat(32), span_id: 'd'.repeat(16), flags: '00' };
    expect(operationTraceOf(parent, FRESH)).toEqual({ trace_id: 'c'.repeat(32), root_span_id: 'b'.repeat(16), parent_span_id: 'd'.repeat(16), flags: '00' });
  });

  it('begins a sampled trace of its own when the request brought none', () => {
    expect(operationTraceOf(null, FRESH)).toEqual({ trace_id: 'a'.repeat(32), root_span_id: 'b'.repeat(16), parent_span_id: null, flags: '01' });
  });

  it('hands agents a traceparent naming the root span, which they parse back', () => {
    const trace = operationTraceOf(null, FRESH);
    const goal = goalOperationOf({ id: 'dep-1', kind: 'deploy', correlation_id: 'c', trace });
    expect(parseTraceparent(goal.traceparent)).toEqual({ trace_id: trace.trace_id, span_id: trace.root_span_id, flags: '01' });
  });

  it('gives goals of an operation without a trace no traceparent', () => {
    expect(goalOperationOf({ id: 'dep-1', kind: 'deploy', correlation_id: 'c', trace: null }).traceparent).toBeNull();
  });
});
