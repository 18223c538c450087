/**
 * Span ids are normally random, drawn by the tracer as a span starts. An operation's root
 * span is the exception: its id was drawn when the operation started and stored with it
 * (core/correlation/operation-trace.ts), because agents' spans name it as their parent long
 * before the root span itself is emitted at the operation's end. This generator hands out
 * such a stored id for exactly one span start, and random ids otherwise.
 */
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

/** Ids one span start must use; a trace id is used only when the span has no parent. */
export interface AssignedIds {
  traceId?: string;
  spanId?: string;
}

export class AssignableIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #assigned: AssignedIds | null = null;

  /**
   * Runs `start` (which starts one span, synchronously) with `ids` assigned. The tracer
   * draws ids synchronously inside `startSpan`, so no other span can take them.
   */
  withIds<T>(ids: AssignedIds, start: () => T): T {
    this.#assigned = { ...ids };
    try {
      return start();
    } finally {
      this.#assigned = null;
    }
  }

  generateTraceId(): string {
    const id = this.#assigned?.traceId;
    if (id === undefined) return this.#random.generateTraceId();
    this.#assigned!.traceId = undefined;
    return id;
  }

  generateSpanId(): string {
    const id = this.#assigned?.spanId;
    if (id === undefined) return this.#random.generateSpanId();
    this.#assigned!.spanId = undefined;
    return id;
  }
}
