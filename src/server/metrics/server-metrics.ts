/**
 * The metrics of one server: its registry under the configured namespace, subscribed to
 * the server's event sink so operation outcomes are counted from the first event on.
 */
import { ferryBuildInfo } from '../features/probes/build-info.js';
import type { EventSink } from '../events/event-sink.js';
import { FerryMetrics } from './ferry-metrics.js';
import { countOperationOutcomes } from './operation-metrics.js';

export function createServerMetrics(opts: { namespace: string; events: EventSink; now: () => number }): FerryMetrics {
  const metrics = new FerryMetrics(opts.namespace, ferryBuildInfo(), opts.now);
  countOperationOutcomes(opts.events, metrics);
  return metrics;
}
