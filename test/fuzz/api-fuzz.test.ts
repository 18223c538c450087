/**
 * Fuzzes every route of the HTTP API in process (fastify's inject, no network) on a real
 * SQLite store. The routes come from the app's own OpenAPI document, so a new route is
 * fuzzed without touching this file. Whatever a request carries, the answer is never a
 * 5xx (but a 503 with Retry-After), never shows internals (stack frames, paths, SQLite
 * errors), every error has the contract's body, and a refused request wrote nothing.
 * Each route gets a fresh seeded fleet; seeded and bounded: the same requests every run.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, AGENT_TOKEN, openFuzzFleet, type FuzzFleet } from './fuzz-fleet.js';
import { requestFor, type FuzzRequest } from './request-arbitraries.js';
import { errorShapeProblem, leaksIn, statusProblem, type FuzzResponse } from './response-checks.js';
import { routesOf, type FuzzRoute } from './route-table.js';
import { StoreWriteProbe } from './store-writes.js';

// Fixed for CI, sized so the whole suite stays well inside its 10 minutes on 2 cores as
// routes are added; a longer hunt: FERRY_FUZZ_RUNS=2000 FERRY_FUZZ_SEED=7 npx vitest run test/fuzz
const SEED = Number(process.env.FERRY_FUZZ_SEED ?? 20_261_201);
const RUNS_PER_ROUTE = Number(process.env.FERRY_FUZZ_RUNS ?? 80);

// Read at collection time, so each route is its own test.
const catalog = await openFuzzFleet();
const routes = await routesOf(catalog.app);

afterAll(() => catalog.close());

/** A stable seed per route, so adding a route leaves the others' requests unchanged. */
function seedOf(route: FuzzRoute): number {
  let h = SEED;
  for (const ch of `${route.method} ${route.path}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

function describeExchange(request: FuzzRequest, response: FuzzResponse): string {
  const cut = (s: string) => (s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s);
  return `${request.method} ${cut(request.url)}\nheaders ${JSON.stringify(request.headers)}\nbody ${cut(request.payload ?? '(none)')}\n→ ${response.statusCode} ${cut(response.body)}`;
}

async function send({ app, probe }: FuzzFleet, request: FuzzRequest): Promise<string[]> {
  const before = probe.snapshot();
  const reply = await app.inject({ method: request.method, url: request.url, headers: request.headers, ...(request.payload !== undefined ? { payload: request.payload } : {}) });
  const response: FuzzResponse = { statusCode: reply.statusCode, headers: reply.headers, body: reply.body };
  const problems = [statusProblem(response), ...leaksIn(response, request).map((l) => `leak: ${l}`)];
  if (response.statusCode >= 400) {
    problems.push(errorShapeProblem(response.body));
    const written = StoreWriteProbe.changes(before, probe.snapshot());
    if (written.length > 0) problems.push(`a refused request wrote to the store: ${written.join(', ')}`);
  }
  const found = problems.filter((p): p is string => p !== null);
  return found.length === 0 ? [] : [`${found.join('; ')}\n${describeExchange(request, response)}`];
}

describe('API fuzz', () => {
  it('finds the routes in the app’s own route table', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('POST /api/v1/deployments');
  });

  it('flags what it is meant to flag: a 500, a stack trace, an SQLite error, a non-contract error body', () => {
    const request: FuzzRequest = { method: 'GET', url: '/x', headers: {} };
    const error = (message: string) => JSON.stringify({ error: { code: 'bad', message, details: {} } });
    expect(statusProblem({ statusCode: 500, headers: {}, body: error('boom') })).not.toBeNull();
    expect(statusProblem({ statusCode: 503, headers: { 'retry-after': '2' }, body: error('later') })).toBeNull();
    expect(leaksIn({ statusCode: 400, headers: {}, body: error('x\n    at Object.<anonymous> (/work/src/a.ts:3:9)') }, request)).not.toEqual([]);
    expect(leaksIn({ statusCode: 409, headers: {}, body: error('SQLITE_CONSTRAINT: UNIQUE constraint failed: operations.id') }, request)).not.toEqual([]);
    expect(leaksIn({ statusCode: 400, headers: {}, body: error('service name "a.ts:1" is bad') }, { ...request, url: '/x/a.ts:1' })).toEqual([]);
    expect(errorShapeProblem(JSON.stringify({ error: 'Bad Request', code: 'FST_ERR_BAD_URL', statusCode: 400 }))).not.toBeNull();
    expect(errorShapeProblem(error('fine'))).toBeNull();
  });

  it('detects a write, so "nothing written" means something', async () => {
    const { app, probe } = catalog;
    const before = probe.snapshot();
    await app.inject({ method: 'PUT', url: '/api/v1/services/probe-check', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { start: 'x', instances: [] } });
    expect(StoreWriteProbe.changes(before, probe.snapshot())).not.toEqual([]);
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: no 5xx, no leak, contract errors, nothing written when refused', async (_name, route) => {
    const fleet = await openFuzzFleet();
    try {
      await fc.assert(
        fc.asyncProperty(requestFor(route, fleet.known, { admin: ADMIN_TOKEN, agent: AGENT_TOKEN }), async (request) => {
          const problems = await send(fleet, request);
          if (problems.length > 0) throw new Error(problems.join('\n\n'));
        }),
        { seed: seedOf(route), numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    } finally {
      await fleet.close();
    }
  });
});
