/**
 * Emits an operation's trace when it ends: listens on the event sink for the events that
 * close an operation, reads the operation and its targets back from the store, and emits
 * the root span under the ids stored when it started (so agents' spans, sent long before,
 * find their parent) with its stored start time. Whichever server process commits the end
 * emits it, so a server restarted mid-deployment still closes that deployment's trace.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { RecordedEvent } from '../../core/events/event-catalogue.js';
import { operationSpansOf, type PlannedSpan } from '../../core/correlation/operation-spans.js';
import type { Operation } from '../../core/types.js';
import { remoteParent, type Tracing } from '../../tracing/start-tracing.js';
import type { ServerContext } from '../server-context.js';

/** Events after which an operation has its `completed_at`. */
const CLOSING_EVENTS: ReadonlySet<string> = new Set(['deploy_completed', 'deploy_failed', 'deploy_aborted', 'rollback_completed', 'rollback_failed']);
/** The newest this many measurements become span events; a trace stays small however long a canary soaked. */
const MAX_MEASUREMENT_EVENTS = 200;
/** Operations already emitted by this process, so two closing events emit one trace; bounded. */
const REMEMBERED = 1_000;

export class OperationTracer {
  readonly #emitted = new Set<string>();

  constructor(
    private readonly ctx: Pick<ServerContext, 'store' | 'log'>,
    private readonly tracing: Tracing,
    private readonly environment: string | null,
  ) {}

  /** Subscribes to `events`; returns the unsubscribe function. */
  listen(events: ServerContext['events']): () => void {
    return events.subscribe((event) => (this.#closes(event) ? this.emit(event.deploy_id!) : undefined));
  }

  #closes(event: RecordedEvent): boolean {
    return event.deploy_id !== null && CLOSING_EVENTS.has(event.type) && !this.#emitted.has(event.deploy_id);
  }

  /** Emits the trace of operation `id` if it has ended and has a stored trace; once per process. */
  async emit(id: string): Promise<void> {
    const operation = await this.ctx.store.getOperation(id);
    if (operation?.trace == null || this.#emitted.has(id)) return;
    const spans = operationSpansOf(operation, await this.ctx.store.listTargets(id), this.environment);
    if (spans === null) return;
    this.#remember(id);
    const root = this.#startRoot(operation, spans.root);
    const under = trace.setSpan(ROOT_CONTEXT, root);
    for (const batch of spans.batches) {
      const batchSpan = this.#start(batch.span, under);
      const inBatch = trace.setSpan(ROOT_CONTEXT, batchSpan);
      for (const planned of batch.instances) finish(this.#start(planned, inBatch), planned);
      finish(batchSpan, batch.span);
    }
    await this.#addMeasurements(root, id);
    finish(root, spans.root);
  }

  /** One span event per analysis measurement, at its time, on the root span (CONTRACT §5; the measurements are in the store). */
  async #addMeasurements(root: Span, id: string): Promise<void> {
    const measurements = await this.ctx.store.listAnalysisMeasurements(id).catch(() => []);
    for (const m of measurements.slice(-MAX_MEASUREMENT_EVENTS)) {
      root.addEvent('ferry.analysis.measurement', { 'ferry.analysis.phase': m.phase, 'ferry.analysis.query': m.query, 'ferry.analysis.verdict': m.verdict, 'ferry.analysis.reason': m.reason }, new Date(m.measured_at));
    }
  }

  #start(planned: PlannedSpan, parent: Context): Span {
    return this.tracing.tracer.startSpan(planned.name, { startTime: planned.startMs, attributes: planned.attributes }, parent);
  }

  #startRoot(operation: Operation, planned: PlannedSpan): Span {
    const stored = operation.trace!;
    const parent: Context = stored.parent_span_id === null ? ROOT_CONTEXT : remoteParent(stored.trace_id, stored.parent_span_id, stored.flags, ROOT_CONTEXT);
    return this.tracing.startSpanWithIds(planned.name, { traceId: stored.trace_id, spanId: stored.root_span_id }, { startTime: planned.startMs, attributes: planned.attributes }, parent);
  }

  #remember(id: string): void {
    this.#emitted.add(id);
    if (this.#emitted.size > REMEMBERED) this.#emitted.delete(this.#emitted.values().next().value!);
  }
}

function finish(span: Span, planned: PlannedSpan): void {
  if (planned.error !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: planned.error }).setAttribute('error.type', planned.error);
  span.end(planned.endMs);
}
