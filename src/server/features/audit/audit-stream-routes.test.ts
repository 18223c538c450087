/**
 * The audit stream over real HTTP on a real SQLite store: live events after commit in the
 * shape of GET /api/v1/audit, filters, resume after Last-Event-ID without gaps or
 * duplicates while events keep being committed, heartbeats, the cap on streams, clean-up
 * on disconnect and on server close, and 400 for a malformed resume id.
 */
import { request, type ClientRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FerryEvent } from '../../../core/events/event-catalogue.js';
import { EventStreamParser, type StreamItem } from '../../../cli/event-stream-parser.js';
import { pollUntil } from '../../../local-fleet/poll-until.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';
import type { AuditStreamLimits } from './audit-stream-hub.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let app: FastifyInstance;
let port: number;
const clients: ClientRequest[] = [];

async function serve(limits: Partial<AuditStreamLimits> = {}): Promise<void> {
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null }, { auditStream: limits });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await app.close();
  await fake.close();
});

function added(service: string, port: number): FerryEvent {
  return { at: Date.UTC(2026, 0, 1), type: 'instance_added', service, version: null, instance_id: `${service}-h1-${port}`, deploy_id: null, actor: 'admin', correlation_id: 'c-1', details: { host: 'h1', port } };
}

async function commit(...events: FerryEvent[]): Promise<number[]> {
  return transactionWithEvents(fake.store, fake.ctx.events, async (tx) => {
    const ids: number[] = [];
    for (const event of events) ids.push((await recordEvent(tx, event)).id);
    return ids;
  });
}

interface Stream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  items: StreamItem[];
  raw: string;
  ended: boolean;
  events(): Array<{ id: string | null; body: Record<string, unknown> }>;
  close(): void;
}

/** Opens a stream and collects what it says; resolves once the status line arrived. */
function open(query = '', headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const parser = new EventStreamParser();
    const req = request({ host: '127.0.0.1', port, path: `/api/v1/audit/stream${query}`, headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      const stream: Stream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        items: [],
        raw: '',
        ended: false,
        events: () => stream.items.flatMap((i) => (i.kind === 'event' ? [{ id: i.id, body: JSON.parse(i.data) as Record<string, unknown> }] : [])),
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.raw += chunk;
        stream.items.push(...parser.push(chunk));
      });
      res.on('end', () => (stream.ended = true));
      res.on('close', () => (stream.ended = true));
      res.on('error', () => (stream.ended = true));
      resolve(stream);
    });
    clients.push(req);
    req.on('error', reject);
    req.end();
  });
}

const eventCount = (stream: Stream, n: number) => pollUntil(`${n} events on the stream`, async () => (stream.events().length >= n ? stream.events() : undefined), { timeoutMs: 10_000 });

describe('GET /api/v1/audit/stream', () => {
  it('sends each committed event once, as GET /api/v1/audit shows it, with its id, after a retry hint', async () => {
    await serve();
    const stream = await open();
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['x-correlation-id']).toBeDefined();
    await pollUntil('the stream to subscribe', async () => (stream.items.some((i) => i.kind === 'retry') ? true : undefined));
    const ids = await commit(added('web', 1), added('web', 2));
    const events = await eventCount(stream, 2);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/audit', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(events.map((e) => e.body)).toEqual(listed.json().events);
    expect(events.map((e) => Number(e.id))).toEqual(ids);
    expect(stream.items[0]).toEqual({ kind: 'retry', ms: 2000 });
  });

  it('carries only the events its filters match', async () => {
    await serve();
    const stream = await open('?service=api&type=instance_added');
    await pollUntil('the stream to subscribe', async () => (stream.items.length > 0 ? true : undefined));
    await commit(added('web', 1), added('api', 2), added('web', 3), added('api', 4));
    const events = await eventCount(stream, 2);
    expect(events.map((e) => e.body.instance_id)).toEqual(['api-h1-2', 'api-h1-4']);
  });

  it('resumes after Last-Event-ID from the store, then live, without a gap or a duplicate while events keep committing', async () => {
    await serve({ catchUpPage: 7 });
    const before = await commit(...Array.from({ length: 30 }, (_, n) => added('web', n)));
    // Keep committing while the stream catches up in pages of 7.
    let writing = true;
    const writer = (async () => {
      for (let n = 100; writing && n < 5000; n++) {
        await commit(added('web', n));
        await new Promise((resolve) => setImmediate(resolve)); // let the stream's request in between commits
      }
    })();
    const stream = await open('', { 'last-event-id': String(before[9]) });
    await pollUntil('some live events after the catch-up', async () => (stream.events().length > 60 ? true : undefined), { timeoutMs: 20_000 });
    writing = false;
    await writer;
    const all = (await fake.store.listAudit({ after_id: before[9]!, limit: 10_000 })).map((e) => e.id);
    const received = await pollUntil('every committed event on the stream', async () => {
      const got = stream.events().map((e) => Number(e.id));
      return got.length >= all.length ? got : undefined;
    });
    expect(received).toEqual(all);
  });

  it('takes the resume point from the last_event_id query parameter too', async () => {
    await serve();
    const ids = await commit(added('web', 1), added('web', 2), added('web', 3));
    const stream = await open(`?last_event_id=${ids[0]}`);
    expect((await eventCount(stream, 2)).map((e) => Number(e.id))).toEqual(ids.slice(1));
  });

  it('with since, first replays the stored events from that time, then goes live', async () => {
    await serve();
    const old = await commit({ ...added('web', 1), at: Date.UTC(2025, 11, 31) });
    const recent = await commit(added('web', 2), added('web', 3));
    const stream = await open('?since=2026-01-01T00:00:00Z');
    expect((await eventCount(stream, 2)).map((e) => Number(e.id))).toEqual(recent);
    const live = await commit(added('web', 4));
    expect((await eventCount(stream, 3)).map((e) => Number(e.id))).toEqual([...recent, ...live]);
    expect(old).toHaveLength(1);
    expect((await open('?since=yesterday')).status).toBe(400);
  });

  it('sends heartbeat comments while nothing happens', async () => {
    fake.ctx.timers.auditHeartbeatS = 0.05;
    await serve();
    const stream = await open();
    await pollUntil('two heartbeats', async () => ((stream.raw.match(/^: heartbeat$/gm)?.length ?? 0) >= 2 ? true : undefined), { timeoutMs: 5_000 });
  });

  it('refuses a stream over the cap with 503 and Retry-After, and frees the place when a client goes', async () => {
    await serve({ maxStreams: 2 });
    const first = await open();
    await open();
    const refused = await open();
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    await pollUntil('the refusal body', async () => (refused.ended ? true : undefined));
    expect(JSON.parse(refused.raw)).toMatchObject({ error: { code: 'too_many_streams' } });
    first.close();
    const again = await pollUntil('a place to free up', async () => {
      const attempt = await open();
      return attempt.status === 200 ? attempt : undefined;
    });
    expect(again.status).toBe(200);
  });

  it('refuses a malformed Last-Event-ID with 400 and the error body', async () => {
    await serve();
    const refused = await open('', { 'last-event-id': 'yesterday' });
    expect(refused.status).toBe(400);
    await pollUntil('the refusal body', async () => (refused.ended ? true : undefined));
    expect(JSON.parse(refused.raw)).toMatchObject({ error: { code: 'invalid_last_event_id' } });
  });

  it('ends open streams when the server closes, instead of holding the close', async () => {
    await serve();
    const stream = await open();
    await pollUntil('the stream to start', async () => (stream.items.length > 0 ? true : undefined));
    await app.close();
    await pollUntil('the stream to end', async () => (stream.ended ? true : undefined));
  });
});
