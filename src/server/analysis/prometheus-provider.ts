/**
 * The `prometheus` analysis provider (CONTRACT §5): renders a query's placeholders and
 * asks Prometheus (prometheus-api.ts, bounded in size and time).
 *
 *   {service}           the service's name
 *   {version}           the deployment's version (for a compare query's baseline side: the baseline version)
 *   {baseline_version}  the version the canary instances came from ("" when none)
 *   {instance}          the canary instance ids joined by `|`, for a `=~` matcher (the baseline's on that side)
 *
 * A threshold query is an instant query (a range query over `range_s` when given), and
 * every sample of every series returned is one value to judge. A compare query is a
 * range query over `range_s` (default 300 s) at `step_s` (default 15 s), run once for the
 * canary and once for the baseline; each sample is one per-interval sample of its side.
 */
import type { AnalysisQuery, AnalysisSpec } from '../../core/analysis/analysis-spec.js';
import type { QueryVerdict } from '../../core/analysis/analysis-measurement.js';
import { analysisSettingsOf } from '../../core/analysis/judge-analysis.js';
import { compareVerdict, thresholdVerdict } from '../../core/analysis/query-verdict.js';
import { renderTemplate } from '../../core/traffic/traffic-templates.js';
import type { AnalysisProvider, MeasureRequest } from './analysis-provider.js';
import { providerFailure } from './analysis-provider.js';
import { queryInstant, queryRange, type PrometheusSeries } from './prometheus-api.js';

export const DEFAULT_COMPARE_RANGE_S = 300;
export const DEFAULT_COMPARE_STEP_S = 15;

export class PrometheusProvider implements AnalysisProvider {
  constructor(private readonly spec: AnalysisSpec & { address: string }) {}

  async measure(request: MeasureRequest): Promise<QueryVerdict> {
    const { query, subjects } = request;
    try {
      if (query.kind !== 'compare') {
        const values = await this.#values(query, this.#render(query, request, subjects.version, subjects.canary), request, false);
        return thresholdVerdict(query, values);
      }
      const baselineVersion = subjects.baseline_version ?? '';
      const [canary, baseline] = await Promise.all([
        this.#values(query, this.#render(query, request, subjects.version, subjects.canary), request, true),
        this.#values(query, this.#render(query, request, baselineVersion, subjects.baseline), request, true),
      ]);
      return compareVerdict(query, canary, baseline, analysisSettingsOf(this.spec).min_samples);
    } catch (error) {
      return providerFailure(query, error);
    }
  }

  #render(query: AnalysisQuery, request: MeasureRequest, version: string, instances: readonly string[]): string {
    return renderTemplate(query.query, {
      service: request.service,
      version,
      baseline_version: request.subjects.baseline_version ?? '',
      instance: instances.join('|'),
    });
  }

  async #values(query: AnalysisQuery, promql: string, request: MeasureRequest, compare: boolean): Promise<number[]> {
    const options = { timeoutMs: request.timeoutMs };
    const rangeS = query.range_s ?? (compare ? DEFAULT_COMPARE_RANGE_S : undefined);
    let series: PrometheusSeries[];
    if (rangeS === undefined) {
      series = await queryInstant(this.spec.address, promql, { ...options, at: request.now });
    } else {
      const stepS = query.step_s ?? (compare ? DEFAULT_COMPARE_STEP_S : Math.max(1, Math.round(rangeS / 20)));
      series = await queryRange(this.spec.address, promql, { start: request.now - rangeS * 1000, end: request.now, stepS }, options);
    }
    return series.flatMap((s) => s.samples.map(([, value]) => value));
  }
}
