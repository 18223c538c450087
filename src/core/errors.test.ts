import { describe, expect, it } from 'vitest';
import { ConflictError, InputError, NotFoundError, refusalError, UnavailableError, UnprocessableError } from './errors.js';
import { refuse, type RefusalKind } from './result.js';

describe('refusalError: a core refusal as the domain error the HTTP layer maps', () => {
  it.each([
    ['input', InputError],
    ['not_found', NotFoundError],
    ['conflict', ConflictError],
    ['unprocessable', UnprocessableError],
    ['unavailable', UnavailableError],
  ] as Array<[RefusalKind, new (...args: never[]) => Error]>)('turns a %s refusal into its class, keeping code, message and details', (kind, Class) => {
    const error = refusalError(refuse(kind, 'some_code', 'why not', { service: 'web' }));
    expect(error).toBeInstanceOf(Class);
    expect([error.kind, error.code, error.message]).toEqual([kind, 'some_code', 'why not']);
    expect(error.details).toMatchObject({ service: 'web' });
  });

  it('lets the core suggest when to retry, and says one second otherwise', () => {
    expect((refusalError(refuse('unavailable', 'frozen', 'later', { retry_after_s: 7 })) as UnavailableError).retryAfterS).toBe(7);
    expect((refusalError(refuse('unavailable', 'frozen', 'later')) as UnavailableError).retryAfterS).toBe(1);
  });
});
