/**
 * AuditStreamHub against a real SQLite store and real node streams: the race between the
 * catch-up query and live events (forced deterministically by committing events around the
 * query), and the bounds that close a stream whose client does not keep up.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FerryEvent } from '../../../core/events/event-catalogue.js';
import { EventStreamParser } from '../../../cli/event-stream-parser.js';
import { pollUntil } from '../../../local-fleet/poll-until.js';
import type { Store } from '../../../store/store.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { AuditStreamHub, DEFAULT_AUDIT_STREAM_LIMITS, type AuditStreamLimits, type StreamEnd } from './audit-stream-hub.js';

let fake: FakeServerContext;
beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
});
afterEach(() => fake.close());

let port = 0;
function added(): FerryEvent {
  port += 1;
  return { at: 1, type: 'instance_added', service: 'web', version: null, instance_id: `web-h1-${port}`, deploy_id: null, actor: 'admin', correlation_id: 'c-1', details: { host: 'h1', port } };
}

async function commit(n = 1): Promise<number[]> {
  return transactionWithEvents(fake.store, fake.ctx.events, async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await recordEvent(tx, added())).id);
    return ids;
  });
}

/** A client that reads everything at once. */
function readingClient(): { out: Writable; ids: () => number[] } {
  const parser = new EventStreamParser();
  const ids: number[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const item of parser.push(chunk.toString('utf8'))) if (item.kind === 'event') ids.push(Number(item.id));
      done();
    },
  });
  return { out, ids: () => ids };
}

/** A client that never reads: every write stays buffered. */
function stuckClient(): Writable {
  return new Writable({ highWaterMark: 64, write() {} });
}

function hubOn(store: Store, limits: Partial<AuditStreamLimits> = {}): AuditStreamHub {
  return new AuditStreamHub(store, fake.ctx.events, { ...DEFAULT_AUDIT_STREAM_LIMITS, heartbeatMs: 60_000, ...limits });
}

describe('resuming while events commit', () => {
  it('writes an event committed between subscribing and the catch-up query once, and one committed after the query too', async () => {
    const before = await commit(3);
    let queries = 0;
    // The real store, except that its first two catch-up queries have a commit just before and just after them.
    const racing = new Proxy(fake.store, {
      get(target, name, receiver) {
        if (name !== 'listAudit') return Reflect.get(target, name, receiver) as unknown;
        return async (filter: Parameters<Store['listAudit']>[0]) => {
          const racing = ++queries <= 2;
          if (racing) await commit();
          const page = await target.listAudit(filter);
          if (racing) await commit();
          return page;
        };
      },
    });
    const client = readingClient();
    const connection = await hubOn(racing, { catchUpPage: 2 }).open(client.out, { filter: {}, afterId: before[0] });
    const all = (await fake.store.listAudit({ after_id: before[0]! })).map((e) => e.id);
    expect(all).toHaveLength(2 + 4);
    expect(client.ids()).toEqual(all);
    const later = await commit(2);
    expect(client.ids()).toEqual([...all, ...later]);
    connection.end('client_closed');
  });
});

describe('bounds', () => {
  it('cuts a live client that lets more than maxBufferedBytes pile up, and writes nothing more to it', async () => {
    const out = stuckClient();
    const hub = hubOn(fake.store, { maxBufferedBytes: 2_000 });
    const ended: StreamEnd[] = [];
    await hub.open(out, { filter: {}, afterId: undefined, onEnd: (why) => ended.push(why) });
    expect(hub.openStreams).toBe(1);
    for (let n = 0; n < 50 && ended.length === 0; n++) await commit();
    expect(ended).toEqual(['client_too_slow']);
    expect(hub.openStreams).toBe(0);
    expect(out.destroyed).toBe(true);
    const buffered = out.writableLength;
    await commit(5);
    expect(out.writableLength).toBe(buffered);
  });

  it('closes a resuming client whose catch-up is stuck once more than maxPendingEvents live events wait', async () => {
    await commit(20);
    const hub = hubOn(fake.store, { maxPendingEvents: 3 });
    const ended: StreamEnd[] = [];
    const opening = hub.open(stuckClient(), { filter: {}, afterId: 0, onEnd: (why) => ended.push(why) });
    await commit(3);
    expect(ended).toEqual([]);
    await commit();
    expect(ended).toEqual(['client_too_slow']);
    await opening; // the stuck catch-up gives up once the stream is closed
    expect(hub.openStreams).toBe(0);
  });

  it('ends a stream once its lifetime is reached', async () => {
    const hub = hubOn(fake.store, { maxLifetimeMs: 20 });
    const ended: StreamEnd[] = [];
    const client = readingClient();
    await hub.open(client.out, { filter: {}, afterId: undefined, onEnd: (why) => ended.push(why) });
    await pollUntil('the lifetime to end the stream', async () => (ended.length > 0 ? true : undefined), { timeoutMs: 5_000 });
    expect(ended).toEqual(['lifetime_reached']);
    expect(client.out.writableEnded).toBe(true);
    expect(hub.openStreams).toBe(0);
  });

  it('says which streams are open and ends them all on closeAll', async () => {
    const hub = hubOn(fake.store, { maxStreams: 2 });
    const ends: StreamEnd[] = [];
    for (let n = 0; n < 2; n++) await hub.open(readingClient().out, { filter: {}, afterId: undefined, onEnd: (why) => ends.push(why) });
    expect(hub.hasRoom()).toBe(false);
    hub.closeAll();
    expect(ends).toEqual(['server_closing', 'server_closing']);
    expect(hub.hasRoom()).toBe(true);
  });
});
