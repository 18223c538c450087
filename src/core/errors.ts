/**
 * Domain errors carry a stable code and know nothing of HTTP; the HTTP layer alone maps
 * each class to a status (see src/server/http/error-mapping.ts).
 */
export abstract class FerryError extends Error {
  abstract readonly kind: 'input' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'unavailable';
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Malformed input: a bad name, a missing field, a wrong type. */
export class InputError extends FerryError {
  readonly kind = 'input';
}
export class UnauthenticatedError extends FerryError {
  readonly kind = 'unauthenticated';
}
export class ForbiddenError extends FerryError {
  readonly kind = 'forbidden';
}
export class NotFoundError extends FerryError {
  readonly kind = 'not_found';
}
/** The request contradicts existing state (an immutable release, a held service lock). */
export class ConflictError extends FerryError {
  readonly kind = 'conflict';
}
/** Well-formed but not allowed now (an unregistered release, nothing to roll back to). */
export class UnprocessableError extends FerryError {
  readonly kind = 'unprocessable';
}
/** Temporarily unable; the caller should retry after `retryAfterS`. */
export class UnavailableError extends FerryError {
  readonly kind = 'unavailable';
  constructor(code: string, message: string, readonly retryAfterS: number, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
