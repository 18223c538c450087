/**
 * Every metric one server exposes (CONTRACT §3, Metrics), in one prom-client Registry of
 * its own (never the global one, so two servers in one test process do not mix). Counters
 * and histograms move as events happen; gauges are replaced wholesale by the reconcile
 * loop's refresh. A scrape only renders what is in memory: it never reads the store.
 *
 * Names are `<namespace>_<metric>`; the namespace is OBS_METRICS_NAMESPACE (default ferry).
 */
import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import type { OperationOutcome } from '../../core/metrics/operation-outcomes.js';
import type { FleetGauges } from '../../core/metrics/fleet-gauges.js';
import { CachedExposition } from './cached-exposition.js';

/** One firing alert as the alerts gauge counts it; the alert evaluator hands the whole firing set at once. */
export interface FiringAlertRow {
  alertname: string;
  severity: string;
  /** Null for an alert about no one service (e.g. a silent host); shown as an empty label. */
  service: string | null;
}

/** Where an alert delivery failed. */
export type AlertReceiver = 'webhook' | 'alertmanager';

/** What a scrape answers: the body and the content type it is written in. */
export interface MetricsScrape {
  contentType: string;
  body: string;
}

/** Deployments last seconds to an hour or more; requests milliseconds to a long-poll's 25 s. */
const OPERATION_BUCKETS_S = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const HTTP_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class FerryMetrics {
  readonly registry = new Registry<RegistryContentType>();
  readonly #deployments: Counter<'service' | 'kind' | 'result'>;
  readonly #deploymentDuration: Histogram<'service' | 'kind' | 'result'>;
  readonly #rollbacks: Counter<'service' | 'trigger' | 'result'>;
  readonly #rollbackDuration: Histogram<'service' | 'trigger'>;
  readonly #sessionsAllocated: Counter<'service' | 'version'>;
  readonly #sessionsRefused: Counter<'service' | 'reason'>;
  readonly #httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly #alertDeliveriesFailed: Counter<'receiver'>;
  readonly #instances: Gauge<'service' | 'version' | 'status'>;
  readonly #drifted: Gauge<'service'>;
  readonly #desiredVersion: Gauge<'service' | 'version'>;
  readonly #consistency: Gauge<'service'>;
  readonly #alertsFiring: Gauge<'alertname' | 'severity' | 'service'>;
  /** Last heartbeat per host (epoch ms): the age is computed at scrape time, so it grows between refreshes. */
  readonly #heartbeats = new Map<string, number>();
  /** Each fleet gauge's rows as last set (JSON), so an unchanged refresh leaves its cached text valid. */
  readonly #lastFleetRows = new Map<string, string>();
  readonly #exposition: CachedExposition;

  /** `now` is the server's clock, read only to turn heartbeat times into ages. */
  constructor(
    readonly namespace: string,
    build: { version: string; git_sha: string | null },
    private readonly now: () => number,
  ) {
    const name = (metric: string) => `${namespace}_${metric}`;
    const registers = [this.registry];
    const counter = <L extends string>(metric: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name: name(metric), help, labelNames, registers });
    this.#deployments = counter('deployments_total', 'Deployments and restarts that ended, by result', ['service', 'kind', 'result']);
    this.#deploymentDuration = new Histogram({ name: name('deployment_duration_seconds'), help: 'Seconds from a deployment or restart being created to its end', labelNames: ['service', 'kind', 'result'], buckets: OPERATION_BUCKETS_S, registers });
    this.#rollbacks = counter('rollbacks_total', 'Rollbacks that ended (rollback operations and automatic reverts), by trigger and result', ['service', 'trigger', 'result']);
    this.#rollbackDuration = new Histogram({ name: name('rollback_duration_seconds'), help: 'Seconds a rollback took, from its start to its end', labelNames: ['service', 'trigger'], buckets: OPERATION_BUCKETS_S, registers });
    this.#sessionsAllocated = counter('sessions_allocated_total', 'Client sessions placed on an instance, by the version it runs', ['service', 'version']);
    this.#sessionsRefused = counter('sessions_refused_total', 'Session requests of a declared service that no instance could take, by reason code', ['service', 'reason']);
    this.#httpDuration = new Histogram({ name: name('http_request_duration_seconds'), help: 'API request durations by method, matched route pattern and status code', labelNames: ['method', 'route', 'status_code'], buckets: HTTP_BUCKETS_S, registers });
    this.#alertDeliveriesFailed = counter('alert_deliveries_failed_total', 'Alert deliveries (webhook or Alertmanager) that failed, each attempt once', ['receiver']);
    for (const receiver of ['webhook', 'alertmanager'] as const) this.#alertDeliveriesFailed.inc({ receiver }, 0);
    this.#instances = new Gauge({ name: name('instances'), help: 'Live instances by service, probed version ("none" before the first probe) and status', labelNames: ['service', 'version', 'status'], registers });
    this.#drifted = new Gauge({ name: name('drifted_instances'), help: 'Instances running another version than the one they should', labelNames: ['service'], registers });
    this.#desiredVersion = new Gauge({ name: name('desired_version_info'), help: 'The version each service should run (value always 1)', labelNames: ['service', 'version'], registers });
    this.#consistency = new Gauge({ name: name('version_consistency_ratio'), help: 'Ready instances on the desired version divided by all instances (1 for a service without instances)', labelNames: ['service'], registers });
    this.#alertsFiring = new Gauge({ name: name('alerts_firing'), help: 'Alerts firing now, by name, severity and service', labelNames: ['alertname', 'severity', 'service'], registers });
    const heartbeats = this.#heartbeats;
    const clock = this.now;
    const heartbeatAge = new Gauge({
      name: name('agent_heartbeat_age_seconds'),
      help: "Seconds since each host's agent last sent a heartbeat",
      labelNames: ['host'],
      registers,
      collect() {
        this.reset();
        const now = clock();
        for (const [host, at] of heartbeats) this.set({ host }, Math.max(0, now - at) / 1000);
      },
    });
    new Gauge({ name: name('build_info'), help: 'The running Ferry server version and git sha (value always 1)', labelNames: ['version', 'git_sha'], registers }).set({ version: build.version, git_sha: build.git_sha ?? 'unknown' }, 1);
    // The heartbeat age moves with the clock and the request histogram with nearly every request: rendered at every scrape.
    this.#exposition = new CachedExposition(this.registry, [heartbeatAge, this.#httpDuration]);
  }

  /** Counts an ended deployment, restart or rollback (from operationOutcomeOf). */
  countOutcome(outcome: OperationOutcome): void {
    if (outcome.metric === 'deployment') {
      const labels = { service: outcome.service, kind: outcome.kind, result: outcome.result };
      this.#deployments.inc(labels);
      this.#deploymentDuration.observe(labels, outcome.duration_s);
      this.#exposition.changed(this.#deployments, this.#deploymentDuration);
    } else {
      this.#rollbacks.inc({ service: outcome.service, trigger: outcome.trigger, result: outcome.result });
      this.#rollbackDuration.observe({ service: outcome.service, trigger: outcome.trigger }, outcome.duration_s);
      this.#exposition.changed(this.#rollbacks, this.#rollbackDuration);
    }
  }

  countSessionAllocated(service: string, version: string): void {
    this.#sessionsAllocated.inc({ service, version });
    this.#exposition.changed(this.#sessionsAllocated);
  }

  countSessionRefused(service: string, reason: string): void {
    this.#sessionsRefused.inc({ service, reason });
    this.#exposition.changed(this.#sessionsRefused);
  }

  /** `route` is the matched route pattern (or a fixed label for none), never the raw URL. */
  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.#httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  /** Replaces every fleet gauge with the reconcile loop's latest computation; series of things gone disappear. */
  setFleetGauges(gauges: FleetGauges): void {
    // The loop refreshes every period and most refreshes find the fleet as it was: a gauge
    // left as it is keeps its rendered text, so the next scrape does not render it again.
    if (this.#fleetRowsChanged('instances', gauges.instances)) {
      this.#instances.reset();
      for (const row of gauges.instances) this.#instances.set({ service: row.service, version: row.version, status: row.status }, row.count);
      this.#exposition.changed(this.#instances);
    }
    if (this.#fleetRowsChanged('drifted', gauges.drifted)) {
      this.#drifted.reset();
      for (const row of gauges.drifted) this.#drifted.set({ service: row.service }, row.count);
      this.#exposition.changed(this.#drifted);
    }
    if (this.#fleetRowsChanged('desiredVersions', gauges.desiredVersions)) {
      this.#desiredVersion.reset();
      for (const row of gauges.desiredVersions) this.#desiredVersion.set({ service: row.service, version: row.version }, 1);
      this.#exposition.changed(this.#desiredVersion);
    }
    if (this.#fleetRowsChanged('consistency', gauges.consistency)) {
      this.#consistency.reset();
      for (const row of gauges.consistency) this.#consistency.set({ service: row.service }, row.ratio);
      this.#exposition.changed(this.#consistency);
    }
    this.#heartbeats.clear();
    for (const row of gauges.heartbeats) this.#heartbeats.set(row.host, row.last_heartbeat_at);
  }

  /** True (and remembered) when `rows` differ from the rows this gauge was last set from. */
  #fleetRowsChanged(gauge: string, rows: readonly unknown[]): boolean {
    const text = JSON.stringify(rows);
    if (this.#lastFleetRows.get(gauge) === text) return false;
    this.#lastFleetRows.set(gauge, text);
    return true;
  }

  /**
   * For the alert evaluator: the alerts firing now, all of them (the gauge is replaced, so a
   * resolved alert's series disappears). Two firing alerts with the same labels count 2.
   */
  setFiringAlerts(rows: readonly FiringAlertRow[]): void {
    this.#alertsFiring.reset();
    for (const row of rows) this.#alertsFiring.inc({ alertname: row.alertname, severity: row.severity, service: row.service ?? '' });
    this.#exposition.changed(this.#alertsFiring);
  }

  /** For the alert delivery queue: one failed attempt to reach `receiver`. */
  countAlertDeliveryFailure(receiver: AlertReceiver): void {
    this.#alertDeliveriesFailed.inc({ receiver });
    this.#exposition.changed(this.#alertDeliveriesFailed);
  }

  /**
   * Renders the registry as Prometheus text 0.0.4, or OpenMetrics 1.0 when `openMetrics`,
   * from memory; a metric's text is re-rendered only once it changed (cached-exposition.ts).
   */
  async scrape(openMetrics: boolean): Promise<MetricsScrape> {
    const body = await this.#exposition.render(openMetrics);
    return { contentType: openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE, body };
  }
}
