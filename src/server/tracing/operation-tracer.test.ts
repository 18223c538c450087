/**
 * The trace an ended deployment gets carries its analysis: one `ferry.analysis.measurement`
 * event per stored measurement on the root span, at the measurement's time, with its phase,
 * query, verdict and reason. Spans go to an in-memory exporter; the store is in memory.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { makeOperation, makeTarget, T0 } from '../../testing/builders.js';
import { InMemoryStore } from '../../testing/in-memory-store.js';
import { AssignableIdGenerator } from '../../tracing/assignable-id-generator.js';
import { Tracing } from '../../tracing/start-tracing.js';
import { OperationTracer } from './operation-tracer.js';

describe('OperationTracer', () => {
  it('puts one span event per analysis measurement on the root span of a deployment', async () => {
    const store = new InMemoryStore();
    const exporter = new InMemorySpanExporter();
    const ids = new AssignableIdGenerator();
    const provider = new BasicTracerProvider({ idGenerator: ids, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracing = new Tracing(provider.getTracer('test'), ids, provider);
    const trace = { trace_id: 'a'.repeat(32), root_span_id: 'b'.repeat(16), parent_span_id: null, flags: '01' };
    await store.insertOperation(makeOperation({ status: 'rolled_back', reason: { code: 'analysis_failed', message: 'm' }, completed_at: T0 + 90_000, trace }), [makeTarget('i1', '1.0.0', '2.0.0', { status: 'reverted', changed: true, started_at: T0 })]);
    for (const [k, verdict] of (['successful', 'failed'] as const).entries()) {
      await store.appendAnalysisMeasurement({ operation_id: 'dep-1', phase: 'step-1', query: 'errors', verdict, values: {}, reason: `errors ${verdict}`, measured_at: T0 + (k + 1) * 30_000 });
    }
    await new OperationTracer({ store, log: pino({ level: 'silent' }) }, tracing, null).emit('dep-1');
    await provider.forceFlush();
    const root = exporter.getFinishedSpans().find((s) => s.name === 'ferry.deployment')!;
    expect(root.spanContext().spanId).toBe('b'.repeat(16));
    expect(root.events.map((e) => ({ name: e.name, attributes: e.attributes, at: e.time[0] * 1000 + Math.round(e.time[1] / 1e6) }))).toEqual([
      { name: 'ferry.analysis.measurement', attributes: { 'ferry.analysis.phase': 'step-1', 'ferry.analysis.query': 'errors', 'ferry.analysis.verdict': 'successful', 'ferry.analysis.reason': 'errors successful' }, at: T0 + 30_000 },
      { name: 'ferry.analysis.measurement', attributes: { 'ferry.analysis.phase': 'step-1', 'ferry.analysis.query': 'errors', 'ferry.analysis.verdict': 'failed', 'ferry.analysis.reason': 'errors failed' }, at: T0 + 60_000 },
    ]);
    await provider.shutdown();
  });
});
