/**
 * The analysis and rollback-trigger parts of a service's declaration (CONTRACT §5), and the
 * judgement of an operation's analysis that the deployment planner reads. Types only:
 * measuring lives in the analysis runner, judging in core/analysis.
 */

/**
 * One query of an analysis. For `prometheus` `query` is PromQL with the placeholders
 * ANALYSIS_PLACEHOLDERS; for `haproxy` it names a per-server figure from `show stat`
 * (HAPROXY_ANALYSIS_METRICS). `success` and `failure` are conditions such as `"< 0.01"`.
 */
export interface AnalysisQuery {
  name: string;
  query: string;
  success: string;
  failure?: string;
  /** `threshold` (default) judges each result alone; `compare` judges the new version against the baseline. */
  kind?: 'threshold' | 'compare';
  /** Confidence of a `compare` verdict (Mann-Whitney U); default 0.98. */
  confidence?: number;
  /** A range query over this many seconds (samples at `step_s`), instead of an instant query. */
  range_s?: number;
  step_s?: number;
}

export interface AnalysisSpec {
  provider: 'prometheus' | 'haproxy';
  /** The Prometheus server's base URL; for `haproxy` the service's traffic socket is used. */
  address?: string;
  queries: AnalysisQuery[];
  interval_s?: number;
  count?: number;
  failure_limit?: number;
  consecutive_failures?: number;
  inconclusive_limit?: number;
  min_samples?: number;
  dry_run?: boolean;
}

/** The placeholders a PromQL analysis query may use; any other `{name}` → 400 at PUT. */
export const ANALYSIS_PLACEHOLDERS = ['service', 'version', 'baseline_version', 'instance'] as const;

/** The figures the `haproxy` provider reads per server from `show stat`. */
export const HAPROXY_ANALYSIS_METRICS = ['error_ratio', 'response_time_ms'] as const;

/** Automatic rollback after a whole-service deployment succeeded (CONTRACT §5, core/rollback-triggers). */
export interface RollbackTriggersSpec {
  /** Minutes after the deployment completed during which it is watched; default 30. */
  watch_minutes?: number;
  /** Minutes a P0 alert of the service must fire before it rolls the release back; default 5. */
  critical_alert_minutes?: number;
  /** The SLO: a success rate (0–1) of the new version below it rolls back. */
  min_success_rate?: number;
  /** An error rate of the new version more than this above the previous version's rolls back. */
  max_error_rate_increase?: number;
  /**
   * PromQL for the share of one version's requests that succeeded (provider `prometheus`),
   * with the placeholders ROLLBACK_TRIGGER_PLACEHOLDERS. Without it the success rate is
   * 1 − the error rate.
   */
  success_rate_query?: string;
  /** PromQL for the share of one version's requests that failed; without it 1 − the success rate. */
  error_rate_query?: string;
}

/** The placeholders a rollback trigger's query may use; `{version}` is the version measured. */
export const ROLLBACK_TRIGGER_PLACEHOLDERS = ['service', 'version'] as const;

/**
 * Where an operation's analysis stands for the phase the planner is in, as the analysis
 * judge found it from the stored measurements:
 *   running       not enough measurements yet, nothing decided
 *   successful    `count` measurements taken within the limits
 *   failed        beyond `failure_limit` or `consecutive_failures`
 *   inconclusive  beyond `inconclusive_limit`: a person decides (promote or abort)
 * `reason` names the query and the values that decided a failed or inconclusive verdict.
 */
export interface AnalysisJudgement {
  /** Which phase the measurements belong to (analysisPhaseOf). */
  phase: string;
  state: 'running' | 'successful' | 'failed' | 'inconclusive';
  /** A Reason (core/types.ts), spelled out here because types.ts imports this module. */
  reason: { code: string; message: string } | null;
  /** Verdicts are recorded and not acted on. */
  dry_run: boolean;
}

/**
 * The phase key measurements are filed under: one per canary step (`step-1`, `step-2`, …,
 * counted from 1) and then `rolling` for the batches after the last step. A promotion ends
 * a step (also a pause for an inconclusive analysis after the last step: `rolling-2`, …),
 * so the next phase starts with no measurements of its own.
 */
export function analysisPhaseOf(stepsDone: number, canarySteps: number): string {
  if (stepsDone < canarySteps) return `step-${stepsDone + 1}`;
  const round = stepsDone - canarySteps + 1;
  return round === 1 ? 'rolling' : `rolling-${round}`;
}
