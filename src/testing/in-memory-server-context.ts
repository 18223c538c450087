/**
 * Test support (not built): a ServerContext on an in-memory store with the test's clock,
 * for in-process tests that call features and reconcilers directly. Timers and canary
 * defaults are the defaults; logs go nowhere; this process always leads.
 */
import pino from 'pino';
import { readCanaryDefaults } from '../config/canary-defaults.js';
import { readTimers } from '../config/timers.js';
import { EventSink } from '../server/events/event-sink.js';
import { LogRequestBroker } from '../server/features/logs/log-request-broker.js';
import { InProcessWakeSignal } from '../server/in-process-wake-signal.js';
import { AlwaysLeader } from '../server/leadership.js';
import { createServerMetrics } from '../server/metrics/server-metrics.js';
import type { ServerContext } from '../server/server-context.js';
import { InMemoryStore } from './in-memory-store.js';
import { readReplayConfig } from '../server/features/replays/replay-config.js';

export function inMemoryServerContext(now: () => number, store = new InMemoryStore()): ServerContext {
  const wake = new InProcessWakeSignal();
  const log = pino({ level: 'silent' });
  const events = new EventSink(log);
  return {
    store,
    timers: readTimers({}),
    canary: readCanaryDefaults({}),
    replay: readReplayConfig({}),
    wake,
    leadership: new AlwaysLeader(),
    logRequests: new LogRequestBroker(wake),
    events,
    metrics: createServerMetrics({ namespace: 'ferry', events, now }),
    now,
    log,
  };
}
