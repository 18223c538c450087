/**
 * Expected failures are data, not exceptions: a decision either holds or says why not,
 * with a stable snake_case reason code that reaches the API's error body unchanged.
 */
export type Check = { ok: true } | { ok: false; reason: string; message: string };

/** The first failing check, or ok. */
export function firstFailure(...checks: Check[]): Check {
  return checks.find((c) => !c.ok) ?? { ok: true };
}

/** Kinds of refusal; the HTTP layer maps each to a status code. `unavailable` means "retry later". */
export type RefusalKind = 'input' | 'not_found' | 'conflict' | 'unprocessable' | 'unavailable';

/** A decision that could not be carried out, as data with a stable reason code. */
export interface Refusal {
  ok: false;
  kind: RefusalKind;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type Decision<T> = ({ ok: true } & T) | Refusal;

export function refuse(kind: RefusalKind, code: string, message: string, details?: Record<string, unknown>): Refusal {
  return { ok: false, kind, code, message, ...(details ? { details } : {}) };
}
