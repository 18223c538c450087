/**
 * What every route and loop of the control plane shares: the store, the timers, the
 * signal that wakes waiting agents and the reconciler, whether this process leads (runs
 * the loops), and the clock. Passing `now`
 * as a function keeps time a parameter all the way down to the pure core.
 */
import type { Logger } from 'pino';
import type { Timers } from '../config/timers.js';
import type { CanaryDefaults } from '../core/operations/strategy.js';
import type { ReadinessConfig } from '../config/readiness-config.js';
import type { Store } from '../store/store.js';
import type { Leadership } from './leadership.js';
import type { WakeSignal } from './wake-signal.js';
import type { EventSink } from './events/event-sink.js';
import type { Tracing } from '../tracing/start-tracing.js';
import type { LogRequestBroker } from './features/logs/log-request-broker.js';
import type { ReplayConfig } from './features/replays/replay-config.js';
import type { FerryMetrics } from './metrics/ferry-metrics.js';
import type { TrafficSync } from './traffic/traffic-sync.js';

export interface ServerContext {
  store: Store;
  timers: Timers;
  /** What a canary strategy without steps means (RELEASE_CANARY_RATIO, RELEASE_CANARY_DURATION_MIN). */
  canary: CanaryDefaults;
  /** P6_READINESS_REQUIRED; absent = not required server-wide (a service may still enforce its own). */
  readiness?: ReadinessConfig;
  /** The staging replay's bounds (FERRY_REPLAY_*), read once at start: the worker and every agent's assignments use them. */
  replay: ReplayConfig;
  wake: WakeSignal;
  /** Whether this process runs the reconcile loop (operations, drift) and the session purge; every process serves the API. */
  leadership: Leadership;
  /** `ferry logs` requests waiting for an agent's answer. */
  logRequests: LogRequestBroker;
  /** Where events recorded in a transaction go once it commits (events/record-event.ts). */
  events: EventSink;
  /** This server's Prometheus metrics: counted from events, gauges refreshed by the reconcile loop (metrics/). */
  metrics: FerryMetrics;
  now: () => number;
  log: Logger;
  /** Hands traffic intents to each service's load-balancer adapter (CONTRACT §5); absent in contexts that run no reconcile loop. */
  traffic?: TrafficSync;
  /** The trace SDK; null or absent when no OTLP endpoint is set (then no span work at all). */
  tracing?: Tracing | null;
}
