import { describe, expect, it } from 'vitest';
import { checkSmokeChains } from './check-smoke-chains.js';
import type { SmokeChain, SmokeStep, VerifyCheck } from './smoke-chain.js';

const chain = (steps: SmokeStep[], name = 'report'): SmokeChain => ({ name, steps });
const search: SmokeStep = { path: '/search?q=ferry', capture: { first: '/results/0/id' } };
const create: SmokeStep = { method: 'POST', path: '/reports', body: { query: '{first}' }, capture: { report_id: '/id', where: 'header:Location' } };
const download: SmokeStep = { path: '/files/{report_id}', headers: { 'x-from': '{where}' }, content_type: 'application/pdf' };

function outcome(verify: VerifyCheck[]): string {
  const check = checkSmokeChains(verify);
  return check.ok ? 'ok' : `${check.reason}: ${check.message}`;
}

describe('checkSmokeChains', () => {
  it.each<[string, VerifyCheck[], string]>([
    ['no checks', [], 'ok'],
    ['single checks only', [{ path: '/check' }, { path: '/{not_a_chain}' }], 'ok'],
    ['search → report → download, each variable captured before it is used', [chain([search, create, download])], 'ok'],
    ['a literal JSON body in a string (braces that are no placeholder)', [chain([{ method: 'POST', path: '/x', body: '{"a": 1}' }])], 'ok'],
    ['the empty pointer (the whole answer) and escaped tokens', [chain([{ path: '/x', capture: { all: '', odd: '/a~1b/m~0n' }, json: { '/ok': true } }])], 'ok'],
    [
      'a step using a variable no step captures',
      [chain([search, download])],
      'bad_smoke_chain: smoke chain "report" step 2 uses {report_id}, which no earlier step captures (captured before it: first)',
    ],
    ['a step using a variable it captures itself', [chain([{ path: '/x/{id}', capture: { id: '/id' } }])], 'bad_smoke_chain: smoke chain "report" step 1 uses {id}, which no earlier step captures'],
    ['a variable in a header value', [chain([{ path: '/x', headers: { authorization: 'Bearer {token}' } }])], 'bad_smoke_chain: smoke chain "report" step 1 uses {token}, which no earlier step captures'],
    ['a variable deep in a JSON body', [chain([{ method: 'POST', path: '/x', body: { a: [{ b: 'x{deep}' }] } }])], 'bad_smoke_chain: smoke chain "report" step 1 uses {deep}, which no earlier step captures'],
    ['a capture that is no pointer', [chain([{ path: '/x', capture: { id: 'id' } }])], 'bad_smoke_chain: smoke chain "report" step 1 captures id from "id", which is neither a JSON pointer (e.g. /id) nor header:Name'],
    ['a pointer with a bad escape', [chain([{ path: '/x', capture: { id: '/a~2' } }])], 'bad_smoke_chain: smoke chain "report" step 1 captures id from "/a~2", which is neither a JSON pointer (e.g. /id) nor header:Name'],
    ['a header capture with a bad name', [chain([{ path: '/x', capture: { id: 'header:Bad Name' } }])], 'bad_smoke_chain: smoke chain "report" step 1 captures id from "header:Bad Name", which is neither a JSON pointer (e.g. /id) nor header:Name'],
    ['a json check on no pointer', [chain([{ path: '/x', json: { status: 'done' } }])], 'bad_smoke_chain: smoke chain "report" step 1 checks json "status", which is no JSON pointer (e.g. /status)'],
    ['a body on GET', [chain([{ path: '/x', body: 'x' }])], 'bad_smoke_chain: smoke chain "report" step 1 sends a body with GET; use POST, PUT or PATCH'],
    ['a bad header name', [chain([{ path: '/x', headers: { 'a b': '1' } }])], 'bad_smoke_chain: smoke chain "report" step 1 sends header "a b", which is no header name'],
    ['two chains of one name', [chain([search]), { path: '/check' }, chain([search])], 'bad_smoke_chain: two smoke chains are named "report"; a failure must name one'],
    ['a chain without steps', [chain([])], 'bad_smoke_chain: smoke chain "report" has no steps'],
    ['21 steps', [chain(Array.from({ length: 21 }, () => ({ path: '/x' })))], 'bad_smoke_chain: smoke chain "report" has 21 steps; at most 20'],
    [
      '17 captures across the chain',
      [chain([{ path: '/a', capture: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, '/a'])) }, { path: '/b', capture: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`b${i}`, '/b'])) }])],
      'bad_smoke_chain: smoke chain "report" captures 17 values; at most 16',
    ],
    [
      'a JSON body nested 33 deep',
      [chain([{ method: 'POST', path: '/x', body: Array.from({ length: 33 }).reduce<unknown>((inner) => [inner], 'x') }])],
      'bad_smoke_chain: smoke chain "report" step 1 has a body nested deeper than 32 levels',
    ],
    ['a JSON body nested 32 deep', [chain([{ method: 'POST', path: '/x', body: Array.from({ length: 32 }).reduce<unknown>((inner) => [inner], 'x') }])], 'ok'],
    ['a JSON body over 64 KiB', [chain([{ method: 'POST', path: '/x', body: { text: 'x'.repeat(70_000) } }])], 'bad_smoke_chain: smoke chain "report" step 1 has a body over 65536 bytes'],
  ])('%s', (_name, verify, expected) => {
    expect(outcome(verify)).toBe(expected);
  });

  it('names the later chain when only it is wrong', () => {
    expect(outcome([chain([search], 'fine'), chain([search, download], 'broken')])).toMatch(/^bad_smoke_chain: smoke chain "broken" step 2 uses \{report_id\}/);
  });
});
