/**
 * The agent's spans for one goal: `ferry.instance.install`, `.start`, `.probe` and
 * `.verify`, children of the operation's root span named by the goal's `traceparent`, so
 * they land in the same trace as the server's spans of that deployment or rollback.
 * Without tracing (no OTLP endpoint) or without a traceparent the work just runs.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { InstanceAssignment } from '../core/agent-protocol.js';
import { formatTraceparent, parseTraceparent } from '../core/correlation/trace-context.js';
import { remoteParent, type Tracing } from '../tracing/start-tracing.js';

export type GoalSpanName = 'ferry.instance.install' | 'ferry.instance.start' | 'ferry.instance.probe' | 'ferry.instance.verify';

/** What a step's result says about failure: a reason code, or null when it went well. */
export type FailureCode<T> = (result: T) => string | null;

export class GoalSpans {
  readonly #parent: Context | null;

  constructor(
    private readonly tracing: Tracing | null,
    private readonly a: InstanceAssignment,
  ) {
    const context = tracing === null ? null : parseTraceparent(a.operation?.traceparent);
    this.#parent = context === null ? null : remoteParent(context.trace_id, context.span_id, context.flags, ROOT_CONTEXT);
  }

  /**
   * Runs `work` inside span `name`. `traceparent` given to `work` is the span's own context
   * (what an instance started inside it receives), else the goal's.
   */
  async run<T>(name: GoalSpanName, failure: FailureCode<T>, work: (traceparent: string | undefined) => Promise<T>, parent: Context | null = this.#parent): Promise<T> {
    if (this.tracing === null || parent === null) return work(this.a.operation?.traceparent ?? undefined);
    const span = this.tracing.tracer.startSpan(name, { attributes: this.#attributes() }, parent);
    const own = span.spanContext();
    const traceparent = formatTraceparent({ trace_id: own.traceId, span_id: own.spanId, flags: own.traceFlags.toString(16).padStart(2, '0') });
    try {
      const result = await work(traceparent);
      const code = failure(result);
      if (code !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: code }).setAttribute('error.type', code);
      return result;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message.slice(0, 200) }).setAttribute('error.type', 'agent_error');
      throw err;
    } finally {
      span.end();
    }
  }

  /** Like `run`, nested under the span `run` is currently inside (verify inside probe). */
  child(traceparent: string | undefined): Context | null {
    const context = parseTraceparent(traceparent);
    return context === null || this.tracing === null ? this.#parent : trace.setSpanContext(ROOT_CONTEXT, { traceId: context.trace_id, spanId: context.span_id, traceFlags: Number.parseInt(context.flags, 16), isRemote: false });
  }

  #attributes(): Record<string, string | number> {
    return {
      'ferry.instance_id': this.a.instance_id,
      'ferry.service': this.a.service,
      ...(this.a.version !== null ? { 'ferry.version': this.a.version } : {}),
      'ferry.generation': this.a.generation,
      ...(this.a.operation ? { 'ferry.deploy_id': this.a.operation.id } : {}),
    };
  }
}
