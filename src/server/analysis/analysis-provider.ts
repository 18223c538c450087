/**
 * What the analysis runner asks a provider: one query's verdict for the instances being
 * judged now. Providers fetch numbers and leave every judgement to core/analysis. A
 * provider that is down, slow or refuses answers an inconclusive verdict carrying its
 * error, never a success, and never throws for that.
 */
import type { AnalysisQuery } from '../../core/analysis/analysis-spec.js';
import type { AnalysisMeasurement, QueryVerdict } from '../../core/analysis/analysis-measurement.js';
import type { AnalysisSubjects } from '../../core/analysis/analysis-schedule.js';

export interface MeasureRequest {
  service: string;
  query: AnalysisQuery;
  subjects: AnalysisSubjects;
  /** The previous measurement of this query in this operation (any phase), for counters that only grow. */
  previous: AnalysisMeasurement | null;
  /** Load-balancer server name per instance id (the traffic spec's `server_name`, default the instance id). */
  serverNames: ReadonlyMap<string, string>;
  /** Bound on the provider's call. */
  timeoutMs: number;
  now: number;
}

export interface AnalysisProvider {
  measure(request: MeasureRequest): Promise<QueryVerdict>;
}

/** An inconclusive verdict for a provider's failure, naming the query. */
export function providerFailure(query: AnalysisQuery, error: unknown): QueryVerdict {
  return { verdict: 'inconclusive', values: {}, reason: `query ${query.name}: ${error instanceof Error ? error.message : String(error)}` };
}
