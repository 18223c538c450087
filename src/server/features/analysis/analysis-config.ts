/** The analysis runner's bounds, from the environment; each has a default that suits a small fleet. */

export interface AnalysisConfig {
  /** FERRY_ANALYSIS_TICK_MS (1000): how often the runner looks for due measurements. */
  tickMs: number;
  /** FERRY_ANALYSIS_TIMEOUT_MS (10000): the longest one provider call may take; past it the measurement is inconclusive. */
  queryTimeoutMs: number;
}

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function readAnalysisConfig(env: NodeJS.ProcessEnv = process.env): AnalysisConfig {
  return { tickMs: positive(env.FERRY_ANALYSIS_TICK_MS, 1000), queryTimeoutMs: positive(env.FERRY_ANALYSIS_TIMEOUT_MS, 10_000) };
}
