/**
 * Feeds the deployment and rollback counters and histograms from the event sink: every
 * committed event that ends an operation is counted once, as it happens (the sink calls
 * subscribers after commit, in order). Nothing is read from the store.
 */
import { operationOutcomeOf } from '../../core/metrics/operation-outcomes.js';
import type { EventSink } from '../events/event-sink.js';
import type { FerryMetrics } from './ferry-metrics.js';

/** Subscribes `metrics` to `events`; returns the function that unsubscribes. */
export function countOperationOutcomes(events: EventSink, metrics: FerryMetrics): () => void {
  return events.subscribe((event) => {
    const outcome = operationOutcomeOf(event);
    if (outcome !== null) metrics.countOutcome(outcome);
  });
}
