/**
 * The verdict of one measurement of one query, from the numbers a provider read
 * (CONTRACT §5). Pure; providers only fetch numbers.
 *
 * threshold (the default): every value must meet `success`.
 *   values [0.002]          success "< 0.01"                   → successful
 *   values [0.2]            success "< 0.01"                   → failed (success not met, no `failure` given)
 *   values [0.02]           success "< 0.01", failure "> 0.05" → inconclusive (neither met)
 *   values [0.2]            success "< 0.01", failure "> 0.05" → failed (failure met)
 *   values [] or [NaN]                                          → inconclusive, never successful
 *
 * compare: the canary's samples against the baseline's, one-sided Mann-Whitney U in the
 * direction `success` calls worse (mann-whitney.ts). Failed only when the canary is worse
 * with `confidence` (default 0.98) and its median breaks `success` (or meets `failure`):
 * a real but harmless difference is no reason to roll back. Fewer than `min_samples`
 * finite samples on either side → inconclusive "too few samples".
 */
import type { AnalysisQuery } from './analysis-spec.js';
import { meetsCondition, parseCondition, worseDirectionOf, type AnalysisCondition } from './analysis-condition.js';
import { MAX_KEPT_VALUES, shownValue, type QueryVerdict } from './analysis-measurement.js';
import { mannWhitneyU, median } from './mann-whitney.js';

export const DEFAULT_CONFIDENCE = 0.98;
export const DEFAULT_MIN_SAMPLES = 20;

interface Conditions {
  success: AnalysisCondition;
  failure: AnalysisCondition | null;
}

function conditionsOf(query: AnalysisQuery): Conditions | string {
  const success = parseCondition(query.success);
  if (!success.ok) return success.message;
  if (query.failure === undefined) return { success: success.condition, failure: null };
  const failure = parseCondition(query.failure);
  return failure.ok ? { success: success.condition, failure: failure.condition } : failure.message;
}

function inconclusive(reason: string, values: QueryVerdict['values'] = {}): QueryVerdict {
  return { verdict: 'inconclusive', values, reason };
}

/** A threshold query's verdict on the values of one measurement (one per series, or per sample of a range). */
export function thresholdVerdict(query: AnalysisQuery, values: readonly number[]): QueryVerdict {
  const conditions = conditionsOf(query);
  if (typeof conditions === 'string') return inconclusive(`query ${query.name}: ${conditions}`);
  const kept = { values: values.slice(0, MAX_KEPT_VALUES).map(jsonNumber), count: values.length };
  if (values.length === 0) return inconclusive(`query ${query.name} returned no value`, kept);
  const notNumber = values.find((v) => !Number.isFinite(v));
  if (notNumber !== undefined) return inconclusive(`query ${query.name} returned ${shownValue(notNumber)}`, kept);
  const { success, failure } = conditions;
  const failing = failure === null ? undefined : values.find((v) => meetsCondition(failure, v) === true);
  if (failing !== undefined) return { verdict: 'failed', values: kept, reason: `query ${query.name} returned ${shownValue(failing)}, which meets failure "${failure!.text}"` };
  const missing = values.find((v) => meetsCondition(success, v) !== true);
  if (missing === undefined) return { verdict: 'successful', values: kept, reason: `query ${query.name} returned ${values.map(shownValue).slice(0, 5).join(', ')}, meeting success "${success.text}"` };
  if (failure !== null) return inconclusive(`query ${query.name} returned ${shownValue(missing)}: neither success "${success.text}" nor failure "${failure.text}"`, kept);
  return { verdict: 'failed', values: kept, reason: `query ${query.name} returned ${shownValue(missing)}, which does not meet success "${success.text}"` };
}

/** A compare query's verdict on the canary's and the baseline's samples (non-finite samples are dropped). */
export function compareVerdict(query: AnalysisQuery, canarySamples: readonly number[], baselineSamples: readonly number[], minSamples = DEFAULT_MIN_SAMPLES): QueryVerdict {
  const conditions = conditionsOf(query);
  if (typeof conditions === 'string') return inconclusive(`query ${query.name}: ${conditions}`);
  const canary = canarySamples.filter(Number.isFinite);
  const baseline = baselineSamples.filter(Number.isFinite);
  const sides = { canary: { samples: canary.length, median: jsonNumber(median(canary)) }, baseline: { samples: baseline.length, median: jsonNumber(median(baseline)) } };
  if (canary.length < minSamples || baseline.length < minSamples) {
    return inconclusive(`query ${query.name}: too few samples (canary ${canary.length}, baseline ${baseline.length}; min_samples ${minSamples})`, sides);
  }
  const confidence = query.confidence ?? DEFAULT_CONFIDENCE;
  const direction = worseDirectionOf(conditions.success);
  const test = mannWhitneyU(canary, baseline, direction);
  const values = { ...sides, u: test.u, p_value: test.p_value, confidence, worse_if: direction };
  const canaryMedian = median(canary);
  const compared = `canary median ${shownValue(canaryMedian)} vs baseline median ${shownValue(median(baseline))}`;
  const worse = test.p_value < 1 - confidence;
  const breaks = meetsCondition(conditions.success, canaryMedian) !== true || (conditions.failure !== null && meetsCondition(conditions.failure, canaryMedian) === true);
  if (worse && breaks) {
    return { verdict: 'failed', values, reason: `query ${query.name}: ${compared}, worse with p ${shownValue(test.p_value)} (confidence ${confidence}) and not meeting success "${conditions.success.text}"` };
  }
  const why = worse ? `worse with p ${shownValue(test.p_value)} but still meeting success "${conditions.success.text}"` : `not worse at confidence ${confidence} (p ${shownValue(test.p_value)})`;
  return { verdict: 'successful', values, reason: `query ${query.name}: ${compared}, ${why}` };
}

/** JSON has no NaN: a value that is not a finite number is kept as null. */
function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
