/**
 * The one way an event leaves a transaction. Inside `transactionWithEvents`, features and
 * reconcilers call `recordEvent(tx, event)`: it appends the event to the audit log in the
 * same transaction (so the event and the change it describes commit or vanish together)
 * and keeps it in the transaction's buffer. Once the transaction has committed, the
 * buffer goes to the event sink; a transaction that throws or fails to commit delivers
 * nothing, because its events never happened.
 *
 * The buffer is keyed by the transaction-bound store. KyselyStore hands a nested
 * `transaction` call on a transaction-bound store that same store (no nested BEGIN), so
 * a nested `transactionWithEvents` finds the outer buffer and leaves delivery to the
 * outer one: events are delivered once, after the outermost commit. Without savepoints a
 * nested failure the outer transaction catches still commits its audit rows, and so its
 * events are delivered too: the buffer always mirrors what was persisted.
 */
import type { FerryEvent, RecordedEvent } from '../../core/events/event-catalogue.js';
import type { Store } from '../../store/store.js';
import type { EventSink } from './event-sink.js';

const buffers = new WeakMap<Store, RecordedEvent[]>();

/**
 * Runs `fn` in a transaction of `store` (or in the one `store` is bound to) and, after the
 * outermost such transaction commits, delivers the events recorded in it to `sink`.
 */
export async function transactionWithEvents<T>(store: Store, sink: EventSink, fn: (tx: Store) => Promise<T>): Promise<T> {
  let owned: RecordedEvent[] | undefined;
  const result = await store.transaction(async (tx) => {
    if (buffers.has(tx)) return fn(tx);
    // Fresh per attempt: nothing recorded by an attempt that did not commit survives it.
    owned = [];
    buffers.set(tx, owned);
    try {
      return await fn(tx);
    } finally {
      buffers.delete(tx);
    }
  });
  if (owned !== undefined) sink.deliver(owned);
  return result;
}

/** Appends `event` to the audit log inside `tx` and queues it for delivery after commit. */
export async function recordEvent(tx: Store, event: FerryEvent): Promise<RecordedEvent> {
  const buffer = buffers.get(tx);
  if (buffer === undefined) throw new Error(`recordEvent(${event.type}) outside transactionWithEvents: the event would never be delivered`);
  const stored = await tx.appendAudit(event);
  const recorded = { ...event, id: stored.id } as RecordedEvent;
  buffer.push(recorded);
  return recorded;
}
