/** The analysis runner's bounds, from the environment; each has a default that suits a small fleet. */
import { positiveOrDefault } from '../../../config/positive-setting.js';

export interface AnalysisConfig {
  /** FERRY_ANALYSIS_TICK_MS (1000): how often the runner looks for due measurements. */
  tickMs: number;
  /** FERRY_ANALYSIS_TIMEOUT_MS (10000): the longest one provider call may take; past it the measurement is inconclusive. */
  queryTimeoutMs: number;
}


export function readAnalysisConfig(env: NodeJS.ProcessEnv = process.env): AnalysisConfig {
  return { tickMs: positiveOrDefault(env.FERRY_ANALYSIS_TICK_MS, 1000), queryTimeoutMs: positiveOrDefault(env.FERRY_ANALYSIS_TIMEOUT_MS, 10_000) };
}
