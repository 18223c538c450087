/**
 * Properties of smoke steps: a declared chain's requests never leave a placeholder of a
 * captured variable unfilled, a captured value cannot break out of its path segment, any
 * answer with a wrong status fails whatever its body, and a pointer built from any keys
 * finds the value stored under them.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSmokeChains } from './check-smoke-chains.js';
import { evaluateStep } from './evaluate-step.js';
import { resolvePointer } from './json-pointer.js';
import type { SmokeStep } from './smoke-chain.js';
import { stepRequest, variablesIn } from './step-variables.js';

const variableName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const value = fc.string({ maxLength: 20 });

describe('smoke step properties', () => {
  it('once a declaration check passed, every placeholder of a captured variable is filled', () => {
    fc.assert(
      fc.property(fc.uniqueArray(variableName, { minLength: 1, maxLength: 5 }), fc.array(value, { minLength: 5, maxLength: 5 }), fc.string({ maxLength: 10 }), (names, values, literal) => {
        const path = `/${names.map((n) => `{${n}}`).join('/')}/${encodeURIComponent(literal)}`;
        const steps: SmokeStep[] = [{ path: '/first', capture: Object.fromEntries(names.map((n) => [n, `/${n}`])) }, { method: 'POST', path, body: { all: names.map((n) => `x{${n}}`) }, headers: { h: `{${names[0]}}` } }];
        expect(checkSmokeChains([{ name: 'c', steps }]).ok).toBe(true);
        const captured = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
        const request = stepRequest(steps[1]!, captured);
        const declared = new Set(names);
        for (const text of [request.path, request.body ?? '', ...Object.values(request.headers)]) {
          // A placeholder can only remain when a captured value itself looks like one.
          const left = variablesIn(text).filter((n) => declared.has(n) && !values.some((v) => v.includes(`{${n}}`)));
          expect(left).toEqual([]);
        }
      }),
    );
  });

  it('a captured value put into a path stays one segment: no new /, ? or #', () => {
    fc.assert(
      fc.property(value, (captured) => {
        const path = stepRequest({ path: '/files/{id}/raw' }, { id: captured }).path;
        expect(path.startsWith('/files/')).toBe(true);
        expect(path.endsWith('/raw')).toBe(true);
        expect(path.slice('/files/'.length, -'/raw'.length)).not.toMatch(/[/?#]/);
      }),
    );
  });

  it('any answer with a status other than the one expected fails, whatever its body', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }), fc.uint8Array({ maxLength: 64 }), (expected, got, body) => {
        fc.pre(expected !== got);
        const outcome = evaluateStep({ path: '/x', expect_status: expected, capture: { a: '' } }, { status: got, headers: {}, body, sha256: createHash('sha256').update(body).digest('hex'), cutAt: null });
        expect(outcome).toEqual({ ok: false, failure: `got status ${got}, expected ${expected}` });
      }),
    );
  });

  it('a pointer built from any keys, escaped, finds the value stored under them', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.jsonValue(), (keys, stored) => {
        const document = keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), stored);
        const pointer = keys.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
        expect(resolvePointer(document, pointer)).toEqual({ found: true, value: stored });
      }),
    );
  });
});
