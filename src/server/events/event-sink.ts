/**
 * The in-process sink that committed events leave through. Metrics, traces, alerts, an
 * audit stream and traffic adapters subscribe here instead of each feature calling them:
 * a feature records an event once (record-event.ts) and never learns who listens.
 *
 * Subscribers are told about an event only after its transaction committed, in the order
 * the events were recorded. They are observers, not participants: the operation is
 * already done, so a subscriber that throws or rejects is logged and never fails it, nor
 * keeps the other subscribers from hearing of the event. A subscriber is called
 * synchronously on the committing request's path, so it must be quick; one with slow
 * work returns a promise (not awaited) or queues the work itself.
 */
import type { RecordedEvent } from '../../core/events/event-catalogue.js';

export type EventSubscriber = (event: RecordedEvent) => void | Promise<void>;

/** Where a subscriber's failure is told: the server's pino logger, or a test's list. */
export interface SubscriberFailureLog {
  error(fields: Record<string, unknown>, message: string): void;
}

export class EventSink {
  readonly #subscribers = new Set<EventSubscriber>();

  constructor(private readonly log: SubscriberFailureLog) {}

  /** Adds `fn` for every event committed from now on; returns the function that removes it. */
  subscribe(fn: EventSubscriber): () => void {
    // A wrapper per call, so the same function subscribed twice is called twice and unsubscribes once.
    const entry: EventSubscriber = (event) => fn(event);
    this.#subscribers.add(entry);
    return () => {
      this.#subscribers.delete(entry);
    };
  }

  /** Hands committed events to every subscriber, event by event, in order. Never throws. */
  deliver(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      for (const subscriber of [...this.#subscribers]) this.#notify(subscriber, event);
    }
  }

  #notify(subscriber: EventSubscriber, event: RecordedEvent): void {
    try {
      const done = subscriber(event);
      if (done instanceof Promise) done.catch((err: unknown) => this.#failed(err, event));
    } catch (err) {
      this.#failed(err, event);
    }
  }

  #failed(err: unknown, event: RecordedEvent): void {
    this.log.error({ err, event_id: event.id, event_type: event.type }, 'an event subscriber failed; the operation stands');
  }
}
