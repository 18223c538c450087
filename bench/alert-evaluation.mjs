#!/usr/bin/env node
/**
 * Benchmark (observability issue, alerts): how long one alert evaluation takes on the
 * leader, since it runs inside the reconcile loop (at most once per FERRY_ALERT_EVAL_MS).
 * In this process, on a real SQLite store: 100 services × 10 instances on 10 hosts, each
 * service with 10 finished operations, one in ten services with a rolled-back latest
 * deployment (so alerts fire), two hosts silent. Times the first evaluation (which opens
 * the alerts and queues their deliveries) and then steady-state evaluations (nothing
 * changes: the case every second of a quiet day).
 * Needs a build (`npm run build`). BENCH_ROUNDS overrides the number of steady rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore } from '../dist/store/open-store.js';
import { EventSink } from '../dist/server/events/event-sink.js';
import { AlwaysLeader } from '../dist/server/leadership.js';
import { readAlertConfig } from '../dist/server/features/alerts/alert-config.js';
import { AlertEvaluator } from '../dist/server/features/alerts/alert-evaluator.js';
import { createServerMetrics } from '../dist/server/metrics/server-metrics.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const SERVICES = 100;
const INSTANCES = 10;
const OPERATIONS = 10;
const TARGET_STEADY_P99_MS = 250;

const now = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'ferry-alert-bench-'));
const store = await openStore({ dataDir: dir });
const log = pino({ level: 'silent' });
try {
  for (let h = 0; h < 10; h++) await store.upsertHost({ host: `h${h}`, address: '127.0.0.1', agent_version: null, last_heartbeat_at: h < 2 ? now - 60_000 : now, kept_releases: {} });
  for (let s = 0; s < SERVICES; s++) {
    const name = `svc-${s}`;
    await store.putService({ name, start: 'x', health_path: '/healthz', version_path: '/version', env: {}, verify: [], strategy: null, drift_policy: 'rebuild', keep_releases: 5, drain_s: 0, oncall: null, runbooks: {}, desired_version: '1.0.0', previous_version: '0.9.0', created_at: now, updated_at: now });
    for (let i = 0; i < INSTANCES; i++) {
      await store.insertInstance({ instance_id: `${name}-${i}`, service: name, host: `h${i}`, port: 8000 + s, pinned_version: null, goal: { version: '1.0.0', generation: 1, action: 'run', timeout_s: 60 }, observed: { status: 'ready', version: '1.0.0', pid: 1, achieved_generation: 1, outcome: null, at: now }, removed_at: null, isolation: null, created_at: now });
    }
    for (let o = 0; o < OPERATIONS; o++) {
      const last = o === OPERATIONS - 1;
      const status = last && s % 10 === 0 ? 'rolled_back' : 'succeeded';
      const at = now - (OPERATIONS - o) * 1000;
      await store.insertOperation({ id: `dep-${s}-${o}`, kind: 'deploy', service: name, version: '1.0.0', whole_service: true, status, reason: null, strategy: { type: 'all_at_once' }, timeout_s: 60, retry_count: 0, auto_rollback: true, rollout: { steps_done: 0, pause: null, progress_at: at, abort: null }, actor: 'bench', correlation_id: `c-${s}-${o}`, created_at: at, updated_at: at, completed_at: at }, []);
    }
  }
  const events = new EventSink(log);
  // The evaluator shows what fires as the ferry_alerts_firing gauge.
  const metrics = createServerMetrics({ namespace: 'ferry', events, now: () => now });
  const ctx = { store, timers: { heartbeatS: 5 }, events, leadership: new AlwaysLeader(), now: () => now, log, metrics };
  const evaluator = new AlertEvaluator(ctx, readAlertConfig({ OBS_ALERT_WEBHOOK: 'http://127.0.0.1:9/unused' }));
  const t0 = performance.now();
  const firing = await evaluator.evaluateOnce();
  const firstMs = performance.now() - t0;
  const steady = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    await evaluator.evaluateOnce();
    steady.push(performance.now() - t);
  }
  steady.sort((a, b) => a - b);
  const pct = (p) => Number(steady[Math.min(steady.length - 1, Math.ceil((p / 100) * steady.length) - 1)].toFixed(2));
  const result = {
    services: SERVICES,
    instances: SERVICES * INSTANCES,
    operations: SERVICES * OPERATIONS,
    firing: firing.length,
    queued_deliveries: await store.countAlertDeliveries(),
    first_evaluation_ms: Number(firstMs.toFixed(2)),
    steady_p50_ms: pct(50),
    steady_p99_ms: pct(99),
    target_steady_p99_ms: TARGET_STEADY_P99_MS,
  };
  process.stdout.write(`${JSON.stringify({ ...result, ok: result.steady_p99_ms <= TARGET_STEADY_P99_MS })}\n`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
