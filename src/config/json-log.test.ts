import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CENSORED, censorNestedSecrets, createJsonLog, SECRET_LOG_KEYS, SECRET_LOG_PATHS } from './json-log.js';

/** A destination that keeps the lines written to it, parsed, without the time. */
function memoryDestination(): { stream: pino.DestinationStream; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  return {
    stream: { write: (line: string) => void written.push(line) },
    lines: () => written.map((line) => {
      const { time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    }),
  };
}

/** pino's own redaction with every path: what the faster split must write, byte for byte once parsed. */
function referenceLog(destination: pino.DestinationStream): pino.Logger {
  return pino({ level: 'info', base: { component: 'test' }, redact: { paths: SECRET_LOG_PATHS, censor: CENSORED } }, destination);
}

const key = fc.constantFrom(...SECRET_LOG_KEYS, 'headers', 'req', 'route', 'service', 'body', 'status_code');
const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
const { fields } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('fields'), fc.array(tie('value'), { maxLength: 3 })),
  fields: fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
}));

describe('createJsonLog censoring', () => {
  it('writes exactly what pino redaction with every path writes, for any fields and flat bindings', () => {
    fc.assert(
      fc.property(fields, fc.dictionary(key, fc.string({ maxLength: 8 }), { maxKeys: 3, noNullPrototype: true }), (logged, bindings) => {
        const ours = memoryDestination();
        const reference = memoryDestination();
        createJsonLog('test', 'info', ours.stream).child(bindings).info(logged as Record<string, unknown>, 'line');
        referenceLog(reference.stream).child(bindings).info(logged as Record<string, unknown>, 'line');
        expect(ours.lines()).toEqual(reference.lines());
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a top-level token', { token: 'sekret', route: '/x' }, { token: CENSORED, route: '/x' }],
    ['an Authorization header', { headers: { authorization: 'Bearer sekret', accept: '*/*' } }, { headers: { authorization: CENSORED, accept: '*/*' } }],
    ['a request object', { req: { headers: { authorization: 'Bearer sekret' } } }, { req: { headers: { authorization: CENSORED } } }],
    ['a service environment', { spec: { env: { DB_PASSWORD: 'sekret' }, start: 'node s.js' } }, { spec: { env: CENSORED, start: 'node s.js' } }],
  ])('censors %s', (_name, logged, written) => {
    const out = memoryDestination();
    createJsonLog('test', 'info', out.stream).info(logged, 'line');
    expect(out.lines()).toEqual([{ level: 30, component: 'test', ...written, msg: 'line' }]);
  });

  it('keeps an Error an Error while censoring its secret property, so the error serializer still writes its message', () => {
    const err = Object.assign(new Error('download refused'), { token: 'sekret' });
    const out = memoryDestination();
    createJsonLog('test', 'info', out.stream).warn({ err }, 'failed');
    const [line] = out.lines();
    expect(line?.err).toMatchObject({ message: 'download refused', token: CENSORED, type: 'Error' });
    expect(err.token).toBe('sekret');
  });

  it('returns the very same object when no nested secret is present (no copy on the hot path)', () => {
    const plain = { method: 'POST', route: '/api/v1/sessions', status_code: 200, params: { service: 'web' } };
    expect(censorNestedSecrets(plain)).toBe(plain);
  });
});
