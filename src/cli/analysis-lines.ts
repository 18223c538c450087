/**
 * The analysis block of `ferry status ID`: where the current phase's analysis stands and
 * the newest verdict of each query, from `GET /api/v1/deployments/{id}/analysis`.
 */
import { formatTable } from './cli-output.js';

/** The route's body, as far as the CLI reads it. */
export interface AnalysisView {
  judgement: { phase: string; state: string; reason: { code: string; message: string } | null; dry_run: boolean } | null;
  measurements: Array<{ phase: string; query: string; verdict: string; reason: string; measured_at: string }>;
}

/** True when there is something to show: the service has analysis, or measurements were taken. */
export function hasAnalysis(view: AnalysisView): boolean {
  return view.judgement !== null || view.measurements.length > 0;
}

/**
 *   analysis step-1: failed (analysis_failed) analysis query error-rate failed once …
 *     QUERY       VERDICT  MEASURED              REASON
 *     error-rate  failed   2026-12-01T12:00:30Z  query error-rate returned 0.2, …
 */
export function analysisLines(view: AnalysisView): string[] {
  const j = view.judgement;
  const head = j === null ? 'analysis: none declared now' : `analysis ${j.phase}: ${j.state}${j.dry_run ? ' (dry run: not acted on)' : ''}${j.reason ? ` (${j.reason.code}) ${j.reason.message}` : ''}`;
  const latest = new Map<string, AnalysisView['measurements'][number]>();
  for (const m of view.measurements) latest.set(m.query, m);
  if (latest.size === 0) return [head, '  no measurement yet'];
  const table = formatTable(['QUERY', 'VERDICT', 'PHASE', 'MEASURED', 'REASON'], [...latest.values()].map((m) => [m.query, m.verdict, m.phase, m.measured_at, m.reason]));
  return [head, ...table.split('\n').filter((l) => l !== '').map((l) => `  ${l}`)];
}
