/**
 * Wraps the OTLP exporter so a collector that is down, slow or refusing costs one warning
 * per minute in the log and the spans of that batch, never an operation: the batch span
 * processor calls this off the request path, with a bounded queue and a timeout.
 */
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const WARN_EVERY_MS = 60_000;

export interface ExportWarningLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export class WarningExporter implements SpanExporter {
  #lastWarning = Number.NEGATIVE_INFINITY;
  #dropped = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly log: ExportWarningLog,
    private readonly now: () => number = Date.now,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      // ExportResultCode.SUCCESS is 0.
      if (result.code !== 0) this.#warn(spans.length, result.error);
      done(result);
    });
  }

  #warn(count: number, error: Error | undefined): void {
    this.#dropped += count;
    const now = this.now();
    if (now - this.#lastWarning < WARN_EVERY_MS) return;
    this.#lastWarning = now;
    this.log.warn({ dropped_spans: this.#dropped, error: error?.message?.slice(0, 300) }, 'trace export failed; spans dropped');
    this.#dropped = 0;
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
