/**
 * Test support (not built): a ServerContext on a real SQLite store in a temporary
 * directory, with a clock the test sets. Server tests exercise real queries and real
 * transactions; only time is fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readCanaryDefaults } from '../config/canary-defaults.js';
import { readReadinessConfig } from '../config/readiness-config.js';
import { readTimers } from '../config/timers.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { ServerContext } from '../server/server-context.js';
import { InProcessWakeSignal } from '../server/in-process-wake-signal.js';
import { AlwaysLeader, type Leadership } from '../server/leadership.js';
import { EventSink } from '../server/events/event-sink.js';
import { LogRequestBroker } from '../server/features/logs/log-request-broker.js';
import { createServerMetrics } from '../server/metrics/server-metrics.js';
import { readReplayConfig } from '../server/features/replays/replay-config.js';

export interface FakeServerContext {
  ctx: ServerContext;
  store: Store;
  /** The temporary directory holding the SQLite file (`ferry.db`). */
  dataDir: string;
  /** Closes the store and deletes its directory. */
  close(): Promise<void>;
}

/**
 * `now` is the test's clock, usually `() => now` over a variable the test moves; `env` sets
 * the timers as the FERRY_* variables would, e.g. `{ FERRY_HEARTBEAT_S: '1' }`; `leadership`
 * defaults to always leading (a SwitchableLeadership lets the test take it away).
 */
export async function openFakeServerContext(opts: { now: () => number; env?: NodeJS.ProcessEnv; leadership?: Leadership }): Promise<FakeServerContext> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-server-test-'));
  const store = await openStore({ dataDir: dir });
  const wake = new InProcessWakeSignal();
  const log = pino({ level: 'silent' });
  const events = new EventSink(log);
  const ctx: ServerContext = {
    store,
    timers: readTimers(opts.env ?? {}),
    canary: readCanaryDefaults({}),
    replay: readReplayConfig(opts.env ?? {}),
    readiness: readReadinessConfig(opts.env ?? {}),
    wake,
    leadership: opts.leadership ?? new AlwaysLeader(),
    logRequests: new LogRequestBroker(wake),
    events,
    metrics: createServerMetrics({ namespace: 'ferry', events, now: opts.now }),
    now: opts.now,
    log,
  };
  return {
    ctx,
    store,
    dataDir: dir,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
