/**
 * `ferry server`: opens the store (migrating it), starts the HTTP interface, the
 * reconcile loop and the purge of expired sessions. Closing stops accepting requests,
 * lets the loop finish its pass and closes the store.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { readCanaryDefaults } from '../config/canary-defaults.js';
import { readReadinessConfig } from '../config/readiness-config.js';
import { createJsonLog } from '../config/json-log.js';
import { openStore } from '../store/open-store.js';
import { resolveAdminToken } from './admin-token.js';
import { buildApp } from './http/build-app.js';
import { SessionPurge } from './features/sessions/session-purge.js';
import { OperationReconciler } from './reconciler/operation-reconciler.js';
import type { ServerContext } from './server-context.js';
import type { RunningServer, ServerOptions } from './server-options.js';
import { EventSink } from './events/event-sink.js';
import { logCommittedEvents } from './events/event-log.js';
import { InProcessWakeSignal } from './in-process-wake-signal.js';
import { AlwaysLeader } from './leadership.js';
import { LogRequestBroker } from './features/logs/log-request-broker.js';
import { readAlertConfig } from './features/alerts/alert-config.js';
import { AlertEvaluator } from './features/alerts/alert-evaluator.js';
import { AlertDeliveryWorker } from './features/alerts/alert-delivery-worker.js';
import { readReplayConfig } from './features/replays/replay-config.js';
import { ReplayWorker } from './features/replays/replay-worker.js';
import { readAnalysisConfig } from './features/analysis/analysis-config.js';
import { AnalysisRunner } from './features/analysis/analysis-runner.js';
import { readRollbackTriggerConfig } from './features/rollback-triggers/rollback-trigger-config.js';
import { RollbackTriggerWatcher } from './features/rollback-triggers/rollback-trigger-watcher.js';
import { createTrafficAdapter } from './traffic/create-traffic-adapter.js';
import { readTrafficConfig } from './traffic/traffic-config.js';
import { TrafficSync } from './traffic/traffic-sync.js';
import { agentVersion } from '../agent/agent-version.js';
import { startTracing } from '../tracing/start-tracing.js';
import { OperationTracer } from './tracing/operation-tracer.js';
import { readMetricsNamespace } from '../config/metrics-namespace.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { FleetGaugeRefresh } from './metrics/fleet-gauge-refresh.js';

/** The server's logger: JSON lines to `destination` (stdout by default) with secrets censored (config/json-log.ts). */
export function createServerLog(level: string, destination?: pino.DestinationStream): pino.Logger {
  return createJsonLog('ferry-server', level, destination);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = createServerLog(opts.logLevel ?? process.env.FERRY_LOG_LEVEL ?? 'info');
  // Settings and files are checked before the store opens, so a refusal leaves nothing open.
  const admin = resolveAdminToken(opts.dataDir, opts.adminToken);
  const alertConfig = opts.alerts ?? readAlertConfig(process.env);
  const readiness = opts.readiness ?? readReadinessConfig(process.env);
  const triggerConfig = readRollbackTriggerConfig(process.env, alertConfig.rules.rollbackMaxMinutes);
  const tls = opts.tls ? { cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) } : undefined;
  const metricsNamespace = readMetricsNamespace();
  const store = await openStore({ dataDir: opts.dataDir, ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}) });
  const wake = new InProcessWakeSignal();
  const tracing = startTracing('ferry-server', agentVersion(), log);
  const events = new EventSink(log);
  const metrics = createServerMetrics({ namespace: metricsNamespace, events, now: Date.now });
  const ctx: ServerContext = { store, timers: opts.timers, canary: readCanaryDefaults(), readiness, replay: readReplayConfig(process.env), wake, leadership: new AlwaysLeader(), logRequests: new LogRequestBroker(wake), events, metrics, now: Date.now, log, tracing };
  const trafficConfig = readTrafficConfig(process.env);
  ctx.traffic = new TrafficSync({ store, log, now: Date.now, retryMs: trafficConfig.retryMs, createAdapter: (spec) => createTrafficAdapter(spec, { timeoutMs: trafficConfig.timeoutMs }) });
  logCommittedEvents(ctx.events, log);
  if (tracing) new OperationTracer(ctx, tracing, process.env.FERRY_ENVIRONMENT?.trim() || null).listen(ctx.events);
  const app = await buildApp(ctx, { admin: admin.token, agent: opts.agentToken || null }, { ...(tls ? { tls } : {}), ...(opts.limits ? { limits: opts.limits } : {}) });
  const alerts = new AlertEvaluator(ctx, alertConfig);
  const alertDelivery = new AlertDeliveryWorker(ctx, alertConfig.delivery, (failure) => metrics.countAlertDeliveryFailure(failure.target));
  const reconciler = new OperationReconciler(ctx, alerts);
  const sessionPurge = new SessionPurge(ctx);
  const replays = new ReplayWorker(ctx, ctx.replay);
  const analysis = new AnalysisRunner(ctx, readAnalysisConfig(process.env));
  const rollbackTriggers = new RollbackTriggerWatcher(ctx, triggerConfig);
  try {
    // Gauges are rebuilt from the store before the first scrape can arrive; counters start at 0.
    await new FleetGaugeRefresh(ctx).refresh();
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await store.close();
    throw err;
  }
  reconciler.start();
  sessionPurge.start();
  alertDelivery.start();
  replays.start();
  analysis.start();
  rollbackTriggers.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    adminToken: admin.token,
    adminTokenFile: admin.file,
    async close() {
      await reconciler.stop();
      await sessionPurge.stop();
      await alertDelivery.stop();
      await replays.stop();
      await analysis.stop();
      await rollbackTriggers.stop();
      await app.close();
      await tracing?.shutdown();
      await store.close();
    },
  };
}
