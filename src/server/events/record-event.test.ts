/**
 * recordEvent and transactionWithEvents on a real SQLite store: events reach the sink only
 * after their transaction committed, in order, once, and never for one that rolled back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FerryEvent, RecordedEvent } from '../../core/events/event-catalogue.js';
import { openFakeServerContext, type FakeServerContext } from '../../testing/fake-server-context.js';
import { createToken } from '../features/tokens/token-service.js';
import { recordEvent, transactionWithEvents } from './record-event.js';

let fake: FakeServerContext;
let delivered: RecordedEvent[];
const caller = { actor: 'admin', correlationId: 'c-1' };

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
  delivered = [];
  fake.ctx.events.subscribe((e) => void delivered.push(e));
});
afterEach(() => fake.close());

function addedEvent(port: number): FerryEvent {
  return { at: port, type: 'instance_added', service: 'web', version: null, instance_id: `web-h1-${port}`, deploy_id: null, actor: 'admin', correlation_id: 'c-1', details: { host: 'h1', port } };
}

function inTransaction<T>(fn: Parameters<typeof transactionWithEvents<T>>[2]): Promise<T> {
  return transactionWithEvents(fake.store, fake.ctx.events, fn);
}

describe('transactionWithEvents', () => {
  it('delivers the recorded events after the commit, in order, with their audit ids', async () => {
    await inTransaction(async (tx) => {
      await recordEvent(tx, addedEvent(8001));
      await recordEvent(tx, addedEvent(8002));
      expect(delivered).toEqual([]); // not committed yet
    });
    const audit = await fake.store.listAudit({});
    expect(delivered.map((e) => e.details)).toEqual([{ host: 'h1', port: 8001 }, { host: 'h1', port: 8002 }]);
    expect(delivered.map((e) => e.id)).toEqual(audit.map((e) => e.id));
  });

  it('delivers nothing for a transaction that rolled back, whose audit rows are gone too', async () => {
    const failure = inTransaction(async (tx) => {
      await recordEvent(tx, addedEvent(8001));
      throw new Error('refused after the event');
    });
    await expect(failure).rejects.toThrow('refused after the event');
    expect(delivered).toEqual([]);
    expect(await fake.store.listAudit({})).toEqual([]);
  });

  it('a nested call shares the outer transaction: one delivery, after the outer commit', async () => {
    await inTransaction(async (outer) => {
      await recordEvent(outer, addedEvent(8001));
      await transactionWithEvents(outer, fake.ctx.events, async (inner) => {
        expect(inner).toBe(outer);
        await recordEvent(inner, addedEvent(8002));
      });
      expect(delivered).toEqual([]); // the inner call committed nothing on its own
      await recordEvent(outer, addedEvent(8003));
    });
    expect(delivered.map((e) => e.details)).toMatchObject([{ port: 8001 }, { port: 8002 }, { port: 8003 }]);
  });

  it('delivers nothing when the outer transaction fails after a nested one returned', async () => {
    const failure = inTransaction(async (outer) => {
      await transactionWithEvents(outer, fake.ctx.events, (inner) => recordEvent(inner, addedEvent(8001)));
      throw new Error('outer refused');
    });
    await expect(failure).rejects.toThrow('outer refused');
    expect(delivered).toEqual([]);
  });

  it('refuses recordEvent outside transactionWithEvents, where the event could never be delivered', async () => {
    await expect(fake.store.transaction((tx) => recordEvent(tx, addedEvent(8001)))).rejects.toThrow(/outside transactionWithEvents/);
    expect(await fake.store.listAudit({})).toEqual([]);
  });

  it('a throwing subscriber fails neither the operation nor the subscribers after it', async () => {
    const later: string[] = [];
    fake.ctx.events.subscribe(() => {
      throw new Error('alerts down');
    });
    fake.ctx.events.subscribe((e) => void later.push(e.type));
    const { token } = await createToken(fake.ctx, { name: 'ci', role: 'deployer' }, caller);
    expect(later).toEqual(['token_created']);
    expect(delivered).toMatchObject([{ type: 'token_created', details: { token_id: token.token_id, name: 'ci' } }]);
    expect((await fake.store.listTokens()).map((t) => t.name)).toEqual(['ci']);
  });
});
