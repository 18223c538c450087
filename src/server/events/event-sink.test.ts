/** The sink on its own: order, isolation of failing subscribers, unsubscribing. */
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../core/events/event-catalogue.js';
import { EventSink } from './event-sink.js';

function tokenEvent(id: number, type: 'token_created' | 'token_revoked' = 'token_created'): RecordedEvent {
  return {
    id,
    at: 1000 + id,
    type,
    service: null,
    version: null,
    instance_id: null,
    deploy_id: null,
    actor: 'admin',
    correlation_id: `c-${id}`,
    details: { token_id: `t-${id}`, name: 'ci', role: 'deployer', host_id: null },
  };
}

/** A logger that keeps what it is told, so a test can see a failure was logged. */
function keptLog() {
  const errors: Array<{ fields: Record<string, unknown>; message: string }> = [];
  return { errors, log: { error: (fields: Record<string, unknown>, message: string) => void errors.push({ fields, message }) } };
}

describe('EventSink', () => {
  it('hands every event to every subscriber, event by event, in order', () => {
    const sink = new EventSink(keptLog().log);
    const seen: string[] = [];
    sink.subscribe((e) => void seen.push(`a${e.id}`));
    sink.subscribe((e) => void seen.push(`b${e.id}`));
    sink.deliver([tokenEvent(1), tokenEvent(2, 'token_revoked')]);
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('logs a throwing subscriber and still tells the others, without throwing itself', () => {
    const { errors, log } = keptLog();
    const sink = new EventSink(log);
    const seen: number[] = [];
    sink.subscribe(() => {
      throw new Error('metrics down');
    });
    sink.subscribe((e) => void seen.push(e.id));
    expect(() => sink.deliver([tokenEvent(1), tokenEvent(2)])).not.toThrow();
    expect(seen).toEqual([1, 2]);
    expect(errors.map((e) => e.fields.event_id)).toEqual([1, 2]);
    expect(errors[0]!.fields.err).toBeInstanceOf(Error);
  });

  it('logs a rejecting subscriber and leaves no unhandled rejection', async () => {
    const { errors, log } = keptLog();
    const sink = new EventSink(log);
    sink.subscribe(async () => {
      throw new Error('stream closed');
    });
    sink.deliver([tokenEvent(7)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fields).toMatchObject({ event_id: 7, event_type: 'token_created' });
  });

  it('stops telling a subscriber once it unsubscribed; the same function twice is two subscriptions', () => {
    const sink = new EventSink(keptLog().log);
    const seen: number[] = [];
    const fn = (e: RecordedEvent) => void seen.push(e.id);
    const first = sink.subscribe(fn);
    sink.subscribe(fn);
    sink.deliver([tokenEvent(1)]);
    first();
    sink.deliver([tokenEvent(2)]);
    expect(seen).toEqual([1, 1, 2]);
  });

  it('delivers nothing and logs nothing for no events', () => {
    const { errors, log } = keptLog();
    const sink = new EventSink(log);
    sink.subscribe(() => {
      throw new Error('never called');
    });
    sink.deliver([]);
    expect(errors).toEqual([]);
  });
});
