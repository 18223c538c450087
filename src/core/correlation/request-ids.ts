/**
 * Which caller-supplied ids a response may carry back. `X-Request-Id` and `X-Correlation-Id`
 * are echoed in response headers, written to logs and stored in audit events, so a value is
 * kept only when it is short and plainly printable; anything else is replaced by a fresh id,
 * never echoed, trimmed or escaped.
 */

/** Longest caller id kept; longer ones are replaced. */
export const MAX_CALLER_ID_LENGTH = 128;

// Printable ASCII without space, quotes or backslash: safe in a header, a log line and a URL query.
const CALLER_ID_PATTERN = /^[\x21\x23-\x26\x28-\x5b\x5d-\x7e]+$/;

/** True when `value` is an id Ferry may keep: 1–128 printable ASCII characters, no space, quote or backslash. */
export function isValidCallerId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CALLER_ID_LENGTH && CALLER_ID_PATTERN.test(value);
}

/** The ids a request is known by. */
export interface RequestIds {
  request_id: string;
  correlation_id: string;
}

/**
 * The request id is the caller's valid `X-Request-Id`, else `generated`; the correlation id
 * is the caller's valid `X-Correlation-Id`, else the request id.
 *
 *   ({ 'x-request-id': 'r1' }, 'g')                        → { request_id: 'r1', correlation_id: 'r1' }
 *   ({ 'x-correlation-id': 'c1' }, 'g')                    → { request_id: 'g',  correlation_id: 'c1' }
 *   ({ 'x-request-id': 'a\nb', 'x-correlation-id': 'x'.repeat(129) }, 'g') → { request_id: 'g', correlation_id: 'g' }
 */
export function requestIdsOf(headers: Record<string, unknown>, generated: string): RequestIds {
  const given = headers['x-request-id'];
  const request_id = isValidCallerId(given) ? given : generated;
  const correlation = headers['x-correlation-id'];
  return { request_id, correlation_id: isValidCallerId(correlation) ? correlation : request_id };
}
