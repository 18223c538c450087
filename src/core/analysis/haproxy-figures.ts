/**
 * The `haproxy` provider's figures from `show stat` (CONTRACT §5): per canary server, the
 * share of 5xx responses and the average response time. HAProxy's response counters are
 * totals since it started, so a measurement's error ratio is taken over the responses
 * since the previous measurement: the counters are stored with every measurement, and the
 * first reading of an operation is only a starting point (isStartingReading), for both
 * figures.
 */
import type { AnalysisQuery } from './analysis-spec.js';
import type { QueryVerdict } from './analysis-measurement.js';
import { thresholdVerdict } from './query-verdict.js';

/** One server's counters as `show stat` gave them. */
export interface ServerCounters {
  responses: number;
  hrsp_5xx: number;
  /** Average response time of the last 1024 requests, ms. */
  rtime: number;
}

export type CountersByServer = Record<string, ServerCounters>;

/**
 *   previous {responses 100, 5xx 2}, now {responses 200, 5xx 22} → 20 / 100 = 0.2
 *   no response since the previous reading                       → NaN (inconclusive)
 *   counters went down (HAProxy restarted)                       → NaN (inconclusive)
 */
export function errorRatioSince(previous: ServerCounters, current: ServerCounters): number {
  const responses = current.responses - previous.responses;
  const errors = current.hrsp_5xx - previous.hrsp_5xx;
  if (responses <= 0 || errors < 0) return Number.NaN;
  return errors / responses;
}

/**
 * The verdict of one haproxy query for the canary `servers`, given this reading and the
 * previous one (null: this is the starting reading).
 */
export function haproxyVerdict(query: AnalysisQuery, servers: readonly string[], current: CountersByServer, previous: CountersByServer | null): QueryVerdict {
  const missing = servers.filter((s) => current[s] === undefined);
  const counters = Object.fromEntries(servers.filter((s) => current[s] !== undefined).map((s) => [s, current[s]!]));
  if (missing.length > 0) return { verdict: 'inconclusive', values: { counters }, reason: `query ${query.name}: HAProxy shows no server ${missing.join(', ')} in the backend` };
  if (previous === null || servers.some((s) => previous[s] === undefined)) {
    return { verdict: 'inconclusive', values: { counters, starting_reading: true }, reason: `query ${query.name}: first reading of HAProxy's counters; ratios are taken from the next one on` };
  }
  const figure = query.query === 'response_time_ms' ? responseTimeSince : errorRatioSince;
  const verdict = thresholdVerdict(query, servers.map((s) => figure(previous[s]!, current[s]!)));
  return { ...verdict, values: { ...verdict.values, counters } };
}

/**
 * HAProxy's `rtime` averages the server's last 1024 requests whatever version served them,
 * and reads 0 for a server that had none: it counts only when the server answered since
 * the previous reading, and is NaN (inconclusive) otherwise, never a fast success.
 */
export function responseTimeSince(previous: ServerCounters, current: ServerCounters): number {
  return current.responses - previous.responses > 0 ? current.rtime : Number.NaN;
}

/** The counters a stored measurement carries, if any. */
export function countersOf(values: Record<string, unknown>): CountersByServer | null {
  const counters = values.counters;
  return typeof counters === 'object' && counters !== null ? (counters as CountersByServer) : null;
}
