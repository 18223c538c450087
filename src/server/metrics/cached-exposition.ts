/**
 * Renders a prom-client Registry in either exposition format, keeping each metric's
 * rendered text until that metric changes. Most of a scrape's bytes are per-service
 * histograms of deployments and rollbacks, which change a few times a day: re-rendering
 * them at every scrape was most of its cost (about 1,400 lines for 100 services).
 *
 * The owner of the metrics says what changed (`changed`); metrics whose value moves on
 * its own (an age computed at scrape time) or at nearly every request are `alwaysFresh`.
 * The output is exactly prom-client's `registry.metrics()`.
 *
 * prom-client renders OpenMetrics counters by renaming the metric object (dropping
 * `_total`) while rendering; renders are therefore serialised and the name restored.
 */
import { Registry, type Metric, type RegistryContentType } from 'prom-client';

type Format = 'text' | 'openmetrics';

export class CachedExposition {
  /** Bumped by `changed`; a cached text is valid while its generation is the current one. */
  readonly #generation = new Map<string, number>();
  readonly #cache = new Map<string, { generation: number; text: string }>();
  readonly #nameOf = new Map<Metric, string>();
  readonly #names: string[] = [];
  readonly #alwaysFresh: Set<string>;
  #rendering: Promise<unknown> = Promise.resolve();

  /** Call once every metric is registered: the output keeps registration order. */
  constructor(
    private readonly registry: Registry<RegistryContentType>,
    alwaysFresh: readonly Metric[],
  ) {
    // getMetricsAsArray is typed as plain objects but holds the metric instances themselves.
    for (const metric of registry.getMetricsAsArray() as unknown as Metric[]) {
      const name = (metric as unknown as { name: string }).name;
      this.#names.push(name);
      this.#nameOf.set(metric, name);
    }
    this.#alwaysFresh = new Set(alwaysFresh.map((m) => this.#nameOf.get(m)!));
  }

  /** Marks metrics whose values changed: their next render is fresh. */
  changed(...metrics: Metric[]): void {
    for (const metric of metrics) {
      const name = this.#nameOf.get(metric)!;
      this.#generation.set(name, (this.#generation.get(name) ?? 0) + 1);
    }
  }

  /** The whole registry in Prometheus text 0.0.4, or OpenMetrics 1.0. Renders run one at a time. */
  render(openMetrics: boolean): Promise<string> {
    const done = this.#rendering.then(() => this.#renderAll(openMetrics ? 'openmetrics' : 'text'));
    this.#rendering = done.catch(() => undefined);
    return done;
  }

  async #renderAll(format: Format): Promise<string> {
    this.registry.setContentType(format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
    try {
      const parts: string[] = [];
      for (const name of this.#names) parts.push(await this.#renderOne(name, format));
      return format === 'openmetrics' ? `${parts.join('\n')}\n# EOF\n` : `${parts.join('\n\n')}\n`;
    } finally {
      this.registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
    }
  }

  async #renderOne(name: string, format: Format): Promise<string> {
    const key = `${format}\u0000${name}`;
    // Captured before rendering: a change while it renders leaves this text stale, and the older generation says so.
    const generation = this.#generation.get(name) ?? 0;
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.generation === generation && !this.#alwaysFresh.has(name)) return cached.text;
    const metric = this.registry.getSingleMetric(name) as unknown as { name: string; type?: string } | undefined;
    if (metric === undefined) return '';
    const renamed = format === 'openmetrics' && metric.type === 'counter';
    if (renamed) metric.name = name.replace(/_total$/, '');
    try {
      const text = await this.registry.getSingleMetricAsString(name);
      if (!this.#alwaysFresh.has(name)) this.#cache.set(key, { generation, text });
      return text;
    } finally {
      metric.name = name;
    }
  }
}
