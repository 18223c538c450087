/**
 * The `haproxy` analysis provider (CONTRACT §5): reads `show stat` of the service's
 * backend through the runtime API and judges the canary servers' `error_ratio` (5xx over
 * the responses since the previous measurement) or `response_time_ms` (HAProxy's average
 * over the last 1024 requests). Servers are named by the traffic spec's `server_name`.
 */
import type { QueryVerdict } from '../../core/analysis/analysis-measurement.js';
import { countersOf, haproxyVerdict, type CountersByServer } from '../../core/analysis/haproxy-figures.js';
import type { HaproxyTrafficSpec } from '../../core/traffic/traffic-spec.js';
import { readServerStats } from '../traffic/haproxy-runtime-api.js';
import { providerFailure, type AnalysisProvider, type MeasureRequest } from './analysis-provider.js';

export class HaproxyProvider implements AnalysisProvider {
  constructor(private readonly traffic: HaproxyTrafficSpec) {}

  async measure(request: MeasureRequest): Promise<QueryVerdict> {
    try {
      const stats = await readServerStats(this.traffic.socket, this.traffic.backend, { timeoutMs: request.timeoutMs });
      const current: CountersByServer = Object.fromEntries(stats.map((s) => [s.server, { responses: s.responses, hrsp_5xx: s.hrsp_5xx, rtime: s.rtime }]));
      const servers = request.subjects.canary.map((id) => request.serverNames.get(id) ?? id);
      return haproxyVerdict(request.query, servers, current, request.previous === null ? null : countersOf(request.previous.values));
    } catch (error) {
      return providerFailure(request.query, error);
    }
  }
}
