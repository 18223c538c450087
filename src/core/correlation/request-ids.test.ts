import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidCallerId, MAX_CALLER_ID_LENGTH, requestIdsOf } from './request-ids.js';

describe('requestIdsOf', () => {
  it.each([
    ['no ids', {}, { request_id: 'gen', correlation_id: 'gen' }],
    ['a request id only', { 'x-request-id': 'req-1' }, { request_id: 'req-1', correlation_id: 'req-1' }],
    ['a correlation id only', { 'x-correlation-id': 'ci:run/42' }, { request_id: 'gen', correlation_id: 'ci:run/42' }],
    ['both', { 'x-request-id': 'r', 'x-correlation-id': 'c' }, { request_id: 'r', correlation_id: 'c' }],
    ['a 128-character correlation id', { 'x-correlation-id': 'c'.repeat(128) }, { request_id: 'gen', correlation_id: 'c'.repeat(128) }],
    ['a 129-character correlation id', { 'x-correlation-id': 'c'.repeat(129) }, { request_id: 'gen', correlation_id: 'gen' }],
    ['a newline in the request id', { 'x-request-id': 'a\nb' }, { request_id: 'gen', correlation_id: 'gen' }],
    ['a tab in the correlation id', { 'x-request-id': 'r', 'x-correlation-id': 'a\tb' }, { request_id: 'r', correlation_id: 'r' }],
    ['a space', { 'x-correlation-id': 'a b' }, { request_id: 'gen', correlation_id: 'gen' }],
    ['a quote', { 'x-correlation-id': 'a"b' }, { request_id: 'gen', correlation_id: 'gen' }],
    ['non-ASCII', { 'x-correlation-id': 'café' }, { request_id: 'gen', correlation_id: 'gen' }],
    ['an empty value', { 'x-correlation-id': '' }, { request_id: 'gen', correlation_id: 'gen' }],
    ['repeated headers', { 'x-correlation-id': ['a', 'b'] }, { request_id: 'gen', correlation_id: 'gen' }],
  ])('%s', (_name, headers, expected) => {
    expect(requestIdsOf(headers, 'gen')).toEqual(expected);
  });

  it('keeps a caller id only when it is short and every character is printable ASCII', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (value) => {
        const kept = requestIdsOf({ 'x-correlation-id': value }, 'gen').correlation_id;
        if (kept === value) {
          expect(value.length).toBeLessThanOrEqual(MAX_CALLER_ID_LENGTH);
          expect(value).toMatch(/^[\x21-\x7e]+$/);
        } else {
          expect(kept).toBe('gen');
          expect(isValidCallerId(value)).toBe(false);
        }
      }),
    );
  });
});
