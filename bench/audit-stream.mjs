#!/usr/bin/env node
/**
 * Benchmark (observability issue, audit stream): what `GET /api/v1/audit/stream` costs and
 * how fast it is, on a real SQLite store behind the real fastify app over loopback HTTP:
 *
 *   1. replay: one client resumes with Last-Event-ID 0 over STORED events; events/s until it
 *      has them all;
 *   2. fan-out: STREAMS live clients while events are committed one per transaction; the
 *      commit rate with those streams open against the same with none (the sink calls every
 *      stream on the committing path), and the delay from commit to the last client's
 *      receipt (p50, p99). The clients run in this process too, so their parsing counts
 *      against the commit rate: the drop it shows is an upper bound of the server's cost.
 *
 * Prints one JSON object. Needs a build (`npm run build`). BENCH_STREAMS, BENCH_STORED and
 * BENCH_EVENTS override.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { EventStreamParser } from '../dist/cli/event-stream-parser.js';
import { readCanaryDefaults } from '../dist/config/canary-defaults.js';
import { readTimers } from '../dist/config/timers.js';
import { EventSink } from '../dist/server/events/event-sink.js';
import { recordEvent, transactionWithEvents } from '../dist/server/events/record-event.js';
import { LogRequestBroker } from '../dist/server/features/logs/log-request-broker.js';
import { buildApp } from '../dist/server/http/build-app.js';
import { InProcessWakeSignal } from '../dist/server/in-process-wake-signal.js';
import { AlwaysLeader } from '../dist/server/leadership.js';
import { openStore } from '../dist/store/open-store.js';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 50);
const STORED = Number(process.env.BENCH_STORED ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000);
const TOKEN = 'bench-admin-token';

const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-stream-'));
const store = await openStore({ dataDir: dir });
const log = pino({ level: 'silent' });
const wake = new InProcessWakeSignal();
const ctx = { store, timers: readTimers({}), canary: readCanaryDefaults({}), wake, leadership: new AlwaysLeader(), logRequests: new LogRequestBroker(wake), events: new EventSink(log), now: Date.now, log };
const app = await buildApp(ctx, { admin: TOKEN, agent: null }, { auditStream: { maxStreams: STREAMS + 10 } });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = app.server.address().port;

let n = 0;
function event() {
  n += 1;
  return { at: Date.now(), type: 'instance_added', service: 'bench', version: null, instance_id: `bench-h1-${n}`, deploy_id: null, actor: 'bench', correlation_id: 'bench', details: { host: 'h1', port: n } };
}
const commit = (count = 1) => transactionWithEvents(store, ctx.events, async (tx) => {
  for (let i = 0; i < count; i++) await recordEvent(tx, event());
});

/**
 * SQLite commits here never wait on I/O, so a loop of them would starve the sockets until it
 * ended; between commits the event loop runs once, as it does between a server's requests.
 */
const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));

/** A stream client; `onEvent(id)` per event. Resolves once the response started. */
function openStream(headers, onEvent) {
  return new Promise((resolve, reject) => {
    const parser = new EventStreamParser();
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/audit/stream', headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        for (const item of parser.push(chunk)) if (item.kind === 'event') onEvent(Number(item.id));
      });
      // The retry hint is written once the stream is subscribed.
      res.once('data', () => resolve(req));
    });
    req.on('error', reject);
    req.end();
  });
}

for (let done = 0; done < STORED; done += 500) await commit(Math.min(500, STORED - done));

// 1. replay
let replayed = 0;
let replayDone;
const replayFinished = new Promise((resolve) => (replayDone = resolve));
const replayStart = performance.now();
const replayer = await openStream({ 'last-event-id': '0' }, () => {
  if (++replayed === STORED) replayDone();
});
await replayFinished;
const replayMs = performance.now() - replayStart;
replayer.destroy();

// 2. commit rate without streams, then with STREAMS, and commit → receipt delay
async function commitRate() {
  const start = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    await commit();
    await yieldToIo();
  }
  return EVENTS / ((performance.now() - start) / 1000);
}
const rateWithout = await commitRate();

const committedAt = new Map();
const received = new Map();
const delays = [];
let allReceived;
const fannedOut = new Promise((resolve) => (allReceived = resolve));
const clients = [];
for (let s = 0; s < STREAMS; s++) {
  clients.push(
    await openStream({}, (id) => {
      const count = (received.get(id) ?? 0) + 1;
      received.set(id, count);
      if (count === STREAMS) {
        delays.push(performance.now() - committedAt.get(id));
        if (delays.length === EVENTS) allReceived();
      }
    }),
  );
}
const start = performance.now();
for (let i = 0; i < EVENTS; i++) {
  const ids = await transactionWithEvents(store, ctx.events, async (tx) => [(await recordEvent(tx, event())).id]);
  committedAt.set(ids[0], performance.now());
  await yieldToIo();
}
const rateWith = EVENTS / ((performance.now() - start) / 1000);
await fannedOut;
for (const c of clients) c.destroy();
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });

delays.sort((a, b) => a - b);
const pct = (p) => Math.round(delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))] * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    replay: { events: STORED, ms: Math.round(replayMs), events_per_s: Math.round(STORED / (replayMs / 1000)) },
    fan_out: {
      streams: STREAMS,
      events: EVENTS,
      commits_per_s_without_streams: Math.round(rateWithout),
      commits_per_s_with_streams: Math.round(rateWith),
      commit_to_last_client_ms: { p50: pct(50), p99: pct(99) },
    },
    load_average_1m: loadavg()[0],
  })}\n`,
);
