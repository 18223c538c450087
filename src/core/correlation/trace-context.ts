/**
 * W3C trace context (https-free summary: `version-traceid-parentid-flags`, lowercase hex),
 * parsed strictly. A header that is not exactly right is ignored rather than repaired: a
 * caller who sends garbage gets a fresh trace, never one built from part of their input.
 */

/** The part of a `traceparent` Ferry keeps: which trace, which span to parent under, sampled or not. */
export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  trace_id: string;
  /** 16 lowercase hex digits, not all zero: the caller's span, the parent of ours. */
  span_id: string;
  /** Two hex digits; bit 0 is "sampled". */
  flags: string;
}

const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;

/**
 * The trace context in a `traceparent` header, or null when it is absent or malformed.
 * Only version 00 is accepted, and with nothing after the flags (version 00 allows no more).
 *
 *   '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' → { trace_id: '4bf9…', span_id: '00f0…', flags: '01' }
 *   '00-00000000000000000000000000000000-00f067aa0ba902b7-01' → null (zero trace id)
 *   '00-4BF92F35…' (uppercase) → null
 */
export function parseTraceparent(header: unknown): TraceContext | null {
  if (typeof header !== 'string' || header.length !== 55) return null;
  const match = TRACEPARENT_PATTERN.exec(header);
  if (match === null) return null;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return null;
  return { trace_id: traceId, span_id: spanId, flags };
}

/** The header form of `context`: what goes into a goal and into an instance's `TRACEPARENT`. */
export function formatTraceparent(context: TraceContext): string {
  return `00-${context.trace_id}-${context.span_id}-${context.flags}`;
}

/** True for a trace id as the store and `ferry which --trace` accept it. */
export function isTraceId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value) && !ALL_ZERO.test(value);
}
