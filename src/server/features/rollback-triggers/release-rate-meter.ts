/**
 * Measures a watched release's rates with the provider of the service's `analysis`
 * (Prometheus queries, or HAProxy's counters) and keeps between ticks what a measurement
 * needs from the last one: HAProxy's counters, and the previous version's error rate, which
 * does not change once known. What is kept is only a cache: a restarted server measures
 * again from scratch (HAProxy's first read after it is a starting point).
 */
import type { RateReading } from '../../../core/rollback-triggers/decide-rollback-trigger.js';
import type { WatchedRelease } from '../../../core/rollback-triggers/watched-release.js';
import type { Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { haproxyReleaseRates, serverNamesOf, type CounterRead } from './haproxy-release-rates.js';
import { prometheusReleaseRates } from './prometheus-release-rates.js';

export interface ReleaseRateMeter {
  /**
   * The release's rates now; null when its triggers need no rate. Throws when the provider
   * cannot be read (the watcher logs it, and the tick decides on alerts alone).
   */
  measure(service: Service, release: WatchedRelease, now: number): Promise<RateReading | null>;
  /** Drops what was kept for releases no longer watched. */
  keepOnly(deployIds: ReadonlySet<string>): void;
}

export class ProviderRateMeter implements ReleaseRateMeter {
  readonly #baselines = new Map<string, number>();
  readonly #counters = new Map<string, CounterRead>();

  constructor(
    private readonly store: Store,
    private readonly timeoutMs: number,
  ) {}

  async measure(service: Service, release: WatchedRelease, now: number): Promise<RateReading | null> {
    const { triggers } = release;
    if (triggers.min_success_rate === undefined && triggers.max_error_rate_increase === undefined) return null;
    const analysis = service.analysis;
    if (analysis?.provider === 'prometheus' && analysis.address !== undefined) {
      const reading = await prometheusReleaseRates(analysis, release, now, this.timeoutMs, this.#baselines.get(release.deploy_id) ?? null);
      if (reading.baseline_error_rate !== null && Number.isFinite(reading.baseline_error_rate)) this.#baselines.set(release.deploy_id, reading.baseline_error_rate);
      return reading;
    }
    if (analysis?.provider === 'haproxy' && service.traffic?.type === 'haproxy') {
      const [instances, hosts] = await Promise.all([this.store.listInstances({ service: service.name }), this.store.listHosts()]);
      const servers = serverNamesOf(service.traffic, instances, hosts, release.version);
      const { reading, counters } = await haproxyReleaseRates(service.traffic, release, servers, this.#counters.get(release.deploy_id), now, this.timeoutMs);
      this.#counters.set(release.deploy_id, counters);
      return reading;
    }
    // PUT refuses thresholds nothing measures; a spec stored before that check lands here.
    return null;
  }

  keepOnly(deployIds: ReadonlySet<string>): void {
    for (const map of [this.#baselines, this.#counters]) {
      for (const id of map.keys()) if (!deployIds.has(id)) map.delete(id);
    }
  }
}
