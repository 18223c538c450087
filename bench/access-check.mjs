#!/usr/bin/env node
/**
 * Benchmark (security issue): the route-level access check costs at most 2% of session
 * allocation throughput. Both are measured in the same run:
 *
 *   1. session allocation, as bench/sessions.mjs does it (a real `ferry server` on SQLite,
 *      100 instances on kubemark-style hollow agents, autocannon POSTing /api/v1/sessions),
 *      alternately with the bootstrap admin token and with a named `sessions` token (A B A B:
 *      the sessions table grows during the run, which slows later rounds a little), with the
 *      server's CPU time per request;
 *   2. the access check alone, in this process: `authorizeRequest` from dist/ (the very
 *      function the server's onRequest hook runs) on a real SQLite store with a named token,
 *      timed over many calls.
 *
 * The check's share is its CPU time per call over the server's CPU time per session
 * request: on a CPU-bound server that is the throughput it costs. An A/B of throughput
 * with and without the check cannot resolve 2% here (run-to-run spread is ~10%), and the
 * server has no switch to turn access control off, by design.
 * Needs a build (`npm run build`). BENCH_DURATION_S and BENCH_CONNECTIONS override.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { LocalFleet } from '../dist/local-fleet/local-fleet.js';
import { TokenAuthenticator } from '../dist/server/features/tokens/token-authenticator.js';
import { createToken } from '../dist/server/features/tokens/token-service.js';
import { authorizeRequest } from '../dist/server/http/request-identity.js';
import { openStore } from '../dist/store/open-store.js';
import { hollowFleet, summarize, withServerCpu } from './lib/hollow-fleet.mjs';
import { EventSink } from '../dist/server/events/event-sink.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CHECK_CALLS = 200_000;
const TARGET_SHARE = 0.02;

async function allocate(fleet, token) {
  return summarize(
    await autocannon({
      url: `${fleet.server.url}/api/v1/sessions`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'bench-access' }),
    }),
  );
}

/** CPU microseconds per access check of a named `sessions` token on the sessions route. */
async function checkCost() {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-access-bench-'));
  const store = await openStore({ dataDir: dir });
  try {
    const log = pino({ level: 'silent' });
    const ctx = { store, now: Date.now, log, events: new EventSink(log) };
    const { secret } = await createToken(ctx, { name: 'bench', role: 'sessions' }, { actor: 'admin', correlationId: 'bench' });
    const authenticator = new TokenAuthenticator(store, { admin: 'bootstrap-admin-token-of-this-bench', agent: null }, Date.now);
    const request = { routeOptions: { config: { access: 'sessions' } }, headers: { authorization: `Bearer ${secret}` }, params: {} };
    for (let i = 0; i < 10_000; i++) await authorizeRequest(request, authenticator);
    const before = process.cpuUsage();
    for (let i = 0; i < CHECK_CALLS; i++) await authorizeRequest(request, authenticator);
    const used = process.cpuUsage(before);
    if (request.actor !== 'bench') throw new Error(`the check named the caller ${request.actor}`);
    return (used.user + used.system) / CHECK_CALLS;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fleet = await LocalFleet.start({ hosts: [], env: { FERRY_HEARTBEAT_S: '5', FERRY_RECONCILE_MS: '500', FERRY_LOG_LEVEL: 'warn' } });
let agents = [];
try {
  agents = await hollowFleet(fleet, 'bench-access', 100);
  const { token: named } = await fleet.api.post('/api/v1/tokens', { name: 'bench-sessions', role: 'sessions' });
  const rounds = [];
  for (let round = 0; round < 2; round++) {
    rounds.push({ token: 'bootstrap admin', ...(await withServerCpu(fleet, () => allocate(fleet, fleet.token))) });
    rounds.push({ token: 'named sessions', ...(await withServerCpu(fleet, () => allocate(fleet, named))) });
  }
  const namedRun = rounds.at(-1);
  const checkUs = await checkCost();
  const serverUs = namedRun.server_cpu_ms_per_request === null ? null : namedRun.server_cpu_ms_per_request * 1000;
  const share = serverUs === null ? null : Math.round((checkUs / serverUs) * 10_000) / 10_000;
  console.log(
    JSON.stringify(
      {
        benchmark: 'access_check_cost',
        store: 'sqlite',
        instances: 100,
        load_average_1m: loadavg()[0],
        session_allocation_rounds: rounds,
        access_check_cpu_us_per_call: Math.round(checkUs * 1000) / 1000,
        server_cpu_us_per_session_request: serverUs,
        access_check_share_of_request_cpu: share,
        target_share: TARGET_SHARE,
        within_target: share !== null && share <= TARGET_SHARE && namedRun.non_2xx === 0,
      },
      null,
      2,
    ),
  );
} finally {
  for (const agent of agents) agent.stop();
  await fleet.stop();
}
