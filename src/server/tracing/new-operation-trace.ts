/**
 * Draws the random ids of a new operation's trace (core/correlation/operation-trace.ts
 * decides how they combine with the starting request's context).
 */
import { randomBytes } from 'node:crypto';
import { operationTraceOf } from '../../core/correlation/operation-trace.js';
import type { TraceContext } from '../../core/correlation/trace-context.js';
import type { OperationTrace } from '../../core/types.js';

export function newOperationTrace(parent: TraceContext | null): OperationTrace {
  return operationTraceOf(parent, { trace_id: randomBytes(16).toString('hex'), span_id: randomBytes(8).toString('hex') });
}
