/**
 * Domain errors carry a stable code and know nothing of HTTP; the HTTP layer alone maps
 * each class to a status (see src/server/http/error-reply.ts).
 */
import type { Refusal } from './result.js';

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

/** A refusal from the core, as the matching domain error: what a feature throws when the core says no. */
export function refusalError(refusal: Refusal): FerryError {
  const details = refusal.details ?? {};
  switch (refusal.kind) {
    case 'input':
      return new InputError(refusal.code, refusal.message, details);
    case 'not_found':
      return new NotFoundError(refusal.code, refusal.message, details);
    case 'conflict':
      return new ConflictError(refusal.code, refusal.message, details);
    case 'unprocessable':
      return new UnprocessableError(refusal.code, refusal.message, details);
    case 'unavailable': {
      // The core may suggest when to retry (details.retry_after_s); one second otherwise.
      const retryAfterS = typeof details.retry_after_s === 'number' ? details.retry_after_s : 1;
      return new UnavailableError(refusal.code, refusal.message, retryAfterS, details);
    }
  }
}
