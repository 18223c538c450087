import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluateStep, type StepResponse } from './evaluate-step.js';
import { isJsonPointer, resolvePointer } from './json-pointer.js';
import type { SmokeStep } from './smoke-chain.js';
import { stepRequest, variablesOfStep } from './step-variables.js';

function response(status: number, body: string | Uint8Array, headers: Record<string, string> = {}): StepResponse {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return { status, headers, body: bytes, sha256: createHash('sha256').update(bytes).digest('hex'), cutAt: null };
}
const json = (status: number, value: unknown, headers: Record<string, string> = {}) => response(status, JSON.stringify(value), { 'content-type': 'application/json', ...headers });
const pdf = response(200, '%PDF-1.4 hello %%EOF', { 'content-type': 'application/pdf' });
const failureOf = (step: SmokeStep, res: StepResponse) => {
  const outcome = evaluateStep(step, res);
  return outcome.ok ? 'ok' : outcome.failure;
};

describe('evaluateStep: what an answer must hold', () => {
  it.each<[string, SmokeStep, StepResponse, string]>([
    ['any 2xx without expect_status', { path: '/x' }, response(204, ''), 'ok'],
    ['a 404 without expect_status', { path: '/x' }, response(404, ''), 'got status 404, expected 2xx'],
    ['the status asked for', { path: '/x', expect_status: 202 }, response(202, ''), 'ok'],
    ['another status than asked for', { path: '/x', expect_status: 200 }, response(201, ''), 'got status 201, expected 200'],
    ['the media type, charset ignored', { path: '/x', content_type: 'Text/HTML' }, response(200, '', { 'content-type': 'text/html; charset=utf-8' }), 'ok'],
    ['another media type', { path: '/x', content_type: 'application/pdf' }, response(200, '', { 'content-type': 'text/html' }), 'got content-type text/html, expected application/pdf'],
    ['no content-type at all', { path: '/x', content_type: 'application/pdf' }, response(200, ''), 'got no content-type, expected application/pdf'],
    ['a body too small', { path: '/x', min_bytes: 1024 }, response(200, 'x'.repeat(212)), 'got a body of 212 bytes, expected at least 1024'],
    ['a body big enough', { path: '/x', min_bytes: 16, body_contains: '%%EOF' }, pdf, 'ok'],
    ['a body without the text', { path: '/x', body_contains: '%PDF-1.7' }, pdf, 'got a body (20 bytes) without "%PDF-1.7"'],
    ['a cut body', { path: '/x' }, { ...pdf, cutAt: 8 }, 'got a body longer than the 8 bytes a step reads'],
    ['the sha256 of the body, any case', { path: '/x', sha256: pdf.sha256.toUpperCase() }, pdf, 'ok'],
    ['another sha256', { path: '/x', sha256: 'a'.repeat(64) }, pdf, `got a body with sha256 ${pdf.sha256.slice(0, 12)}…, expected aaaaaaaaaaaa…`],
    ['JSON fields as expected', { path: '/x', json: { '/status': 'done', '/n': 3, '/ok': true, '/none': null } }, json(200, { status: 'done', n: 3, ok: true, none: null }), 'ok'],
    ['a JSON field with another value', { path: '/x', json: { '/status': 'done' } }, json(200, { status: 'pending' }), 'got JSON /status = "pending", expected "done"'],
    ['a JSON field missing', { path: '/x', json: { '/status': 'done' } }, json(200, {}), 'got JSON without /status, expected "done"'],
    ['a 3 where "3" is expected', { path: '/x', json: { '/n': '3' } }, json(200, { n: 3 }), 'got JSON /n = 3, expected "3"'],
    ['JSON checks on no JSON', { path: '/x', json: { '/a': 1 } }, pdf, 'got a body that is not JSON (20 bytes, content-type application/pdf)'],
  ])('%s', (_name, step, res, expected) => {
    expect(failureOf(step, res)).toBe(expected);
  });
});

describe('evaluateStep: captures', () => {
  it('captures a JSON string, a number and a header', () => {
    const step: SmokeStep = { path: '/reports', capture: { id: '/id', size: '/meta/size', where: 'header:Location' } };
    expect(evaluateStep(step, json(202, { id: 'ab12', meta: { size: 7 } }, { location: '/reports/ab12' }))).toEqual({ ok: true, captures: { id: 'ab12', size: '7', where: '/reports/ab12' } });
  });

  it.each<[string, Record<string, string>, StepResponse, string]>([
    ['a missing field', { id: '/id' }, json(200, {}), 'could not capture id: the JSON answer has no /id'],
    ['an object', { id: '/id' }, json(200, { id: { a: 1 } }), 'could not capture id: /id is {"a":1}, not a string or number'],
    ['a missing header', { where: 'header:Location' }, json(200, {}), 'could not capture where: the answer has no header Location'],
    ['a body that is no JSON', { id: '/id' }, pdf, 'could not capture id: got a body that is not JSON (20 bytes, content-type application/pdf)'],
    ['a value over 4096 characters', { id: '/id' }, json(200, { id: 'x'.repeat(4097) }), 'could not capture id: its value is over 4096 characters'],
  ])('fails on %s', (_name, capture, res, expected) => {
    expect(failureOf({ path: '/x', capture }, res)).toBe(expected);
  });

  it('captures nothing from an answer whose checks failed', () => {
    expect(evaluateStep({ path: '/x', expect_status: 200, capture: { id: '/id' } }, json(500, { id: 'a' }))).toEqual({ ok: false, failure: 'got status 500, expected 200' });
  });
});

describe('stepRequest: captured values put into a step', () => {
  const values = { id: 'a b/c?d', q: 'ferry' };

  it('URL-encodes a value in the path, so it cannot change the path shape', () => {
    expect(stepRequest({ path: '/files/{id}?q={q}' }, values).path).toBe('/files/a%20b%2Fc%3Fd?q=ferry');
  });

  it('sends a JSON body as JSON with its strings substituted, keys as written, other values kept', () => {
    const request = stepRequest({ method: 'POST', path: '/reports', body: { '{id}': ['{q}-x', 3, null, { deep: 'for {id}' }] } }, values);
    expect(request).toEqual({
      method: 'POST',
      path: '/reports',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ '{id}': ['ferry-x', 3, null, { deep: 'for a b/c?d' }] }),
    });
  });

  it('sends a string body as is, substituted, with the content-type the step gives', () => {
    const request = stepRequest({ method: 'PUT', path: '/x', body: 'q={q}', headers: { 'Content-Type': 'text/plain', 'x-id': '{id}' } }, values);
    expect(request).toEqual({ method: 'PUT', path: '/x', headers: { 'Content-Type': 'text/plain', 'x-id': 'a b/c?d' }, body: 'q=ferry' });
  });

  it('defaults to GET without a body, and leaves an unknown placeholder alone', () => {
    expect(stepRequest({ path: '/x/{later}' }, {})).toEqual({ method: 'GET', path: '/x/{later}', headers: {}, body: undefined });
  });

  it('lists every variable a step uses, once', () => {
    expect(variablesOfStep({ method: 'POST', path: '/a/{x}/{y}', body: ['{x}', { k: '{z}' }], headers: { h: '{w}{x}' } })).toEqual(['x', 'y', 'z', 'w']);
  });
});

describe('JSON pointers (RFC 6901)', () => {
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'm~n': 8, ' ': 7 };

  it.each<[string, unknown]>([
    ['', doc],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/m~0n', 8],
    ['/ ', 7],
  ])('%j points at %j', (pointer, value) => {
    expect(resolvePointer(doc, pointer)).toEqual({ found: true, value });
  });

  it.each(['/foo/2', '/foo/01', '/foo/-', '/nope', '/foo/0/x', 'foo', '/a~2'])('%j finds nothing', (pointer) => {
    expect(resolvePointer(doc, pointer)).toEqual({ found: false });
  });

  it.each([['', true], ['/a', true], ['/a~0~1', true], ['a', false], ['/~', false], ['/a~x', false]])('%j is a pointer: %s', (text, valid) => {
    expect(isJsonPointer(text as string)).toBe(valid);
  });
});
