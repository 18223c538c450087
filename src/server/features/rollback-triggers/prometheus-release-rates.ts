/**
 * A watched release's rates from Prometheus: the service's `success_rate_query` and
 * `error_rate_query` rendered for one version and evaluated as instant queries. The new
 * version is measured now; the previous version at the moment the deployment started, the
 * last moment it served alone, so its error rate is the baseline the increase is judged
 * against (Prometheus keeps that history, whatever ran since).
 */
import type { AnalysisSpec } from '../../../core/analysis/analysis-spec.js';
import type { RateReading } from '../../../core/rollback-triggers/decide-rollback-trigger.js';
import type { WatchedRelease } from '../../../core/rollback-triggers/watched-release.js';
import { renderTemplate } from '../../../core/traffic/traffic-templates.js';
import { queryInstant } from '../../analysis/prometheus-api.js';

type Triggers = WatchedRelease['triggers'];

/**
 * One share (0–1) of `version`'s requests, or null when the query has no single answer
 * (no series: no requests; several: the query is not aggregated to one number). A NaN the
 * query itself produced (0/0) comes back as NaN, which the decision treats as unmeasured.
 */
async function versionRate(address: string, template: string, service: string, version: string, timeoutMs: number, at?: number): Promise<number | null> {
  const query = renderTemplate(template, { service, version });
  const series = await queryInstant(address, query, { timeoutMs, ...(at !== undefined ? { at } : {}) });
  if (series.length !== 1) return null;
  return series[0]!.samples.at(-1)?.[1] ?? null;
}

/** The error rate of `version`: the error query's answer, else 1 − the success query's. */
async function errorRate(address: string, triggers: Triggers, service: string, version: string, timeoutMs: number, at?: number): Promise<number | null> {
  if (triggers.error_rate_query !== undefined) return versionRate(address, triggers.error_rate_query, service, version, timeoutMs, at);
  if (triggers.success_rate_query === undefined) return null;
  const success = await versionRate(address, triggers.success_rate_query, service, version, timeoutMs, at);
  return success === null ? null : 1 - success;
}

/**
 * The rates the release's thresholds need; a rate no threshold needs is not asked for.
 * `baseline` is the previous version's error rate when already known (it does not change).
 */
export async function prometheusReleaseRates(analysis: AnalysisSpec, release: WatchedRelease, now: number, timeoutMs: number, baseline: number | null): Promise<RateReading> {
  const address = analysis.address!;
  const { triggers, service, version } = release;
  const wantsSuccess = triggers.min_success_rate !== undefined;
  const wantsIncrease = triggers.max_error_rate_increase !== undefined;
  const success = wantsSuccess && triggers.success_rate_query !== undefined ? await versionRate(address, triggers.success_rate_query, service, version, timeoutMs) : null;
  const error = wantsIncrease || (wantsSuccess && success === null) ? await errorRate(address, triggers, service, version, timeoutMs) : null;
  const previous = wantsIncrease ? (baseline ?? (await errorRate(address, triggers, service, release.previous_version, timeoutMs, release.started_at))) : null;
  return { deploy_id: release.deploy_id, measured_at: now, success_rate: success, error_rate: error, baseline_error_rate: previous };
}
