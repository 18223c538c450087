/**
 * A watched release's success rate from HAProxy's `show stat`: 5xx over all responses of
 * the servers of the instances that run the new version, from the growth of those
 * counters between two reads. The counters count since HAProxy started, so one read says
 * nothing about now: the first read of a release only sets the starting point.
 */
import type { HaproxyTrafficSpec } from '../../../core/traffic/traffic-spec.js';
import type { RateReading } from '../../../core/rollback-triggers/decide-rollback-trigger.js';
import type { WatchedRelease } from '../../../core/rollback-triggers/watched-release.js';
import { haproxyServerNames } from '../../../core/traffic/haproxy-server-names.js';
import type { Host, Instance } from '../../../core/types.js';
import { readServerStats, type HaproxyServerStat } from '../../traffic/haproxy-runtime-api.js';

/** Per server name: the counters of the last read. */
export type CounterRead = Map<string, Pick<HaproxyServerStat, 'hrsp_5xx' | 'responses'>>;

/**
 * HAProxy's server name for each instance of `version` (CONTRACT §5 `server_name`, default
 * `{instance}`; `{host}` is the address the balancer dials, as for the traffic adapters).
 */
export function serverNamesOf(traffic: HaproxyTrafficSpec, instances: readonly Instance[], hosts: readonly Host[], version: string): string[] {
  const addresses = new Map(hosts.map((h) => [h.host, h.address]));
  const running = instances.filter((i) => i.removed_at === null && i.observed?.version === version);
  return [...haproxyServerNames(traffic, running, (host) => addresses.get(host)).values()];
}

/**
 * The share of 5xx among the responses counted between `before` and `after` on `servers`.
 *   before 5xx 10 of 100, after 30 of 200    → 20 / 100 = 0.2
 *   no responses in between                  → NaN (unmeasured)
 *   a counter went down (HAProxy restarted)  → that server is left out
 *   more 5xx than responses in between      → that server is left out (not one interval's counts)
 */
export function errorShareBetween(before: CounterRead, after: CounterRead, servers: readonly string[]): number {
  let errors = 0;
  let responses = 0;
  for (const server of servers) {
    const a = before.get(server);
    const b = after.get(server);
    if (a === undefined || b === undefined || b.responses < a.responses || b.hrsp_5xx < a.hrsp_5xx) continue;
    // 5xx are some of the responses: more of them than of all is two reads of different counters.
    if (b.hrsp_5xx - a.hrsp_5xx > b.responses - a.responses) continue;
    errors += b.hrsp_5xx - a.hrsp_5xx;
    responses += b.responses - a.responses;
  }
  return responses === 0 ? Number.NaN : errors / responses;
}

/** Reads the counters now and the rates since `previous`; null rates on the first read. */
export async function haproxyReleaseRates(
  traffic: HaproxyTrafficSpec,
  release: WatchedRelease,
  servers: readonly string[],
  previous: CounterRead | undefined,
  now: number,
  timeoutMs: number,
): Promise<{ reading: RateReading; counters: CounterRead }> {
  const stats = await readServerStats(traffic.socket, traffic.backend, { timeoutMs });
  const counters: CounterRead = new Map(stats.map((s) => [s.server, { hrsp_5xx: s.hrsp_5xx, responses: s.responses }]));
  const error = previous === undefined ? null : errorShareBetween(previous, counters, servers);
  const reading: RateReading = { deploy_id: release.deploy_id, measured_at: now, success_rate: error === null ? null : 1 - error, error_rate: error, baseline_error_rate: null };
  return { reading, counters };
}
