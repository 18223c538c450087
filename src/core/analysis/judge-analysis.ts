/**
 * The judge: from the stored measurements of one phase, where the analysis stands
 * (AnalysisJudgement, which the deployment planner reads). Pure; Argo Rollouts' analysis
 * semantics, per query:
 *
 *   failed        more than `failure_limit` failed measurements, or a run of
 *                 `consecutive_failures` failed ones in a row
 *   inconclusive  more than `inconclusive_limit` inconclusive measurements
 *   successful    every query has `count` successful measurements and none of the above
 *   running       otherwise: more measurements are due
 *
 * Unlike Argo, inconclusive measurements within their limit are tolerated but never count
 * towards `count`: a phase whose queries answered no number is never successful.
 * A failure anywhere wins over an inconclusive elsewhere, which wins over success. With
 * `consecutive_failures` set and no `failure_limit`, only runs count (the limit is then
 * unbounded), or the default limit 0 would fail at the first failure and the run would
 * never matter. Starting readings (isStartingReading) judge nothing and are not counted.
 *
 * Defaults (ANALYSIS_DEFAULTS): interval_s 30, count 3, failure_limit 0,
 * inconclusive_limit 0, min_samples 20: one failure rolls back, one inconclusive
 * measurement pauses for a person, three successful ones pass the phase.
 */
import type { AnalysisJudgement, AnalysisSpec } from './analysis-spec.js';
import { isStartingReading, type AnalysisMeasurement } from './analysis-measurement.js';

export const ANALYSIS_DEFAULTS = { interval_s: 30, count: 3, failure_limit: 0, inconclusive_limit: 0, min_samples: 20 } as const;

export interface AnalysisSettings {
  interval_s: number;
  count: number;
  /** Infinity when only `consecutive_failures` limits failures. */
  failure_limit: number;
  consecutive_failures: number | null;
  inconclusive_limit: number;
  min_samples: number;
  dry_run: boolean;
}

export function analysisSettingsOf(spec: AnalysisSpec): AnalysisSettings {
  const consecutive = spec.consecutive_failures ?? null;
  return {
    interval_s: spec.interval_s ?? ANALYSIS_DEFAULTS.interval_s,
    count: spec.count ?? ANALYSIS_DEFAULTS.count,
    failure_limit: spec.failure_limit ?? (consecutive !== null ? Number.POSITIVE_INFINITY : ANALYSIS_DEFAULTS.failure_limit),
    consecutive_failures: consecutive,
    inconclusive_limit: spec.inconclusive_limit ?? ANALYSIS_DEFAULTS.inconclusive_limit,
    min_samples: spec.min_samples ?? ANALYSIS_DEFAULTS.min_samples,
    dry_run: spec.dry_run ?? false,
  };
}

interface QueryTally {
  query: string;
  counted: AnalysisMeasurement[];
  failed: AnalysisMeasurement[];
  inconclusive: AnalysisMeasurement[];
  longestFailureRun: number;
}

/** `measurements` may hold other phases' and unknown queries' rows: only `phase`'s rows of declared queries count. */
export function judgeAnalysis(spec: AnalysisSpec, measurements: readonly AnalysisMeasurement[], phase: string): AnalysisJudgement {
  const settings = analysisSettingsOf(spec);
  const tallies = spec.queries.map((q) => tallyOf(q.name, measurements.filter((m) => m.phase === phase && m.query === q.name && !isStartingReading(m))));
  const judged = (state: AnalysisJudgement['state'], reason: AnalysisJudgement['reason']): AnalysisJudgement => ({ phase, state, reason, dry_run: settings.dry_run });
  for (const t of tallies) {
    const overLimit = t.failed.length > settings.failure_limit;
    const inARow = settings.consecutive_failures !== null && t.longestFailureRun >= settings.consecutive_failures;
    if (!overLimit && !inARow) continue;
    const limit = overLimit ? `failure_limit ${settings.failure_limit}` : `consecutive_failures ${settings.consecutive_failures}`;
    return judged('failed', { code: 'analysis_failed', message: `analysis query ${t.query} failed ${times(t.failed.length)} (${limit}); last: ${t.failed.at(-1)!.reason}` });
  }
  for (const t of tallies) {
    if (t.inconclusive.length <= settings.inconclusive_limit) continue;
    return judged('inconclusive', {
      code: 'analysis_inconclusive',
      message: `analysis query ${t.query} was inconclusive ${times(t.inconclusive.length)} (inconclusive_limit ${settings.inconclusive_limit}); last: ${t.inconclusive.at(-1)!.reason}. Promote to go on or abort to roll back`,
    });
  }
  if (tallies.every((t) => t.counted.length - t.failed.length - t.inconclusive.length >= settings.count)) return judged('successful', null);
  return judged('running', null);
}

function tallyOf(query: string, rows: AnalysisMeasurement[]): QueryTally {
  const counted = [...rows].sort((a, b) => a.measured_at - b.measured_at || a.id - b.id);
  let run = 0;
  let longest = 0;
  for (const m of counted) {
    run = m.verdict === 'failed' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return { query, counted, failed: counted.filter((m) => m.verdict === 'failed'), inconclusive: counted.filter((m) => m.verdict === 'inconclusive'), longestFailureRun: longest };
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}
