/**
 * `GET /api/v1/deployments/{id}/analysis` (CONTRACT §5): a deployment's judgement for its
 * current phase and its measurements, oldest first, times as ISO-8601.
 */
import type { AnalysisMeasurement } from '../../../core/analysis/analysis-measurement.js';
import type { AnalysisJudgement } from '../../../core/analysis/analysis-spec.js';
import type { Operation, OperationTarget, Reason } from '../../../core/types.js';

/** The newest this many measurements are shown; the store keeps every one. */
export const MAX_SHOWN_MEASUREMENTS = 1_000;

export interface AnalysisView {
  deploy_id: string;
  service: string;
  version: string | null;
  baseline_version: string | null;
  judgement: { phase: string; state: AnalysisJudgement['state']; reason: Reason | null; dry_run: boolean } | null;
  measurements: Array<{ phase: string; query: string; verdict: AnalysisMeasurement['verdict']; values: AnalysisMeasurement['values']; reason: string; measured_at: string }>;
}

export function presentAnalysis(operation: Operation, targets: readonly OperationTarget[], judgement: AnalysisJudgement | undefined, measurements: readonly AnalysisMeasurement[]): AnalysisView {
  return {
    deploy_id: operation.id,
    service: operation.service,
    version: operation.version,
    baseline_version: baselineVersionOf(targets),
    judgement: judgement === undefined ? null : { phase: judgement.phase, state: judgement.state, reason: judgement.reason, dry_run: judgement.dry_run },
    measurements: measurements.slice(-MAX_SHOWN_MEASUREMENTS).map((m) => ({ phase: m.phase, query: m.query, verdict: m.verdict, values: m.values, reason: m.reason, measured_at: new Date(m.measured_at).toISOString() })),
  };
}

/** The version most targets came from (the changed ones first): what the canary is compared with. */
function baselineVersionOf(targets: readonly OperationTarget[]): string | null {
  const changed = targets.filter((t) => t.changed);
  const from = (changed.length > 0 ? changed : targets).map((t) => t.from_version).filter((v): v is string => v !== null);
  const counts = new Map<string, number>();
  for (const v of from) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
