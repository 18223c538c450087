/** The traffic sync's bounds, from the environment (docs/traffic.md). */
import { positiveSetting } from '../../config/positive-setting.js';

export interface TrafficConfig {
  /** FERRY_TRAFFIC_TIMEOUT_MS (5000): the most one call to a balancer may take. */
  timeoutMs: number;
  /** FERRY_TRAFFIC_RETRY_MS (5000): how soon an intent the adapter failed is tried again. */
  retryMs: number;
}

export function readTrafficConfig(env: NodeJS.ProcessEnv = process.env): TrafficConfig {
  return { timeoutMs: positiveSetting(env, 'FERRY_TRAFFIC_TIMEOUT_MS', 5_000), retryMs: positiveSetting(env, 'FERRY_TRAFFIC_RETRY_MS', 5_000) };
}
