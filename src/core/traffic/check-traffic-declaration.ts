/**
 * What a service's traffic, analysis and canary-weight declarations must satisfy beyond
 * their JSON shape (CONTRACT §5), checked at PUT and on a deployment's own strategy:
 * templates use only their placeholders, an analysis has something to ask, and a weight
 * step has an adapter to give the weight to.
 */
import { firstFailure, type Check } from '../result.js';
import { ANALYSIS_PLACEHOLDERS, HAPROXY_ANALYSIS_METRICS, type AnalysisSpec } from '../analysis/analysis-spec.js';
import type { StrategySpec } from '../types.js';
import { TRAFFIC_PLACEHOLDERS, type TrafficSpec } from './traffic-spec.js';
import { unknownPlaceholders } from './traffic-templates.js';

export interface TrafficDeclaration {
  traffic: TrafficSpec | null;
  analysis: AnalysisSpec | null;
  strategy: StrategySpec | null;
}

export function checkTrafficDeclaration(declaration: TrafficDeclaration): Check {
  return firstFailure(checkTrafficTemplates(declaration.traffic), checkAnalysis(declaration.analysis, declaration.traffic), checkWeightSteps(declaration.strategy, declaration.traffic));
}

function checkTrafficTemplates(traffic: TrafficSpec | null): Check {
  const templates = traffic?.type === 'command' ? traffic.command : traffic?.type === 'haproxy' && traffic.server_name !== undefined ? [traffic.server_name] : [];
  const unknown = unknownPlaceholders(templates, TRAFFIC_PLACEHOLDERS);
  if (unknown.length === 0) return { ok: true };
  return {
    ok: false,
    reason: 'bad_traffic_template',
    message: `traffic template uses ${unknown.map((n) => `{${n}}`).join(', ')}; only ${TRAFFIC_PLACEHOLDERS.map((n) => `{${n}}`).join(' ')} are allowed`,
  };
}

function checkAnalysis(analysis: AnalysisSpec | null, traffic: TrafficSpec | null): Check {
  if (analysis === null) return { ok: true };
  if (analysis.provider === 'prometheus') {
    if (analysis.address === undefined) return { ok: false, reason: 'bad_analysis', message: 'analysis with provider prometheus needs address, the Prometheus server\'s URL' };
    for (const query of analysis.queries) {
      const unknown = unknownPlaceholders([query.query], ANALYSIS_PLACEHOLDERS);
      if (unknown.length > 0) {
        return {
          ok: false,
          reason: 'bad_analysis_query',
          message: `analysis query ${query.name} uses ${unknown.map((n) => `{${n}}`).join(', ')}; only ${ANALYSIS_PLACEHOLDERS.map((n) => `{${n}}`).join(' ')} are allowed`,
        };
      }
    }
    return { ok: true };
  }
  if (traffic?.type !== 'haproxy') return { ok: false, reason: 'bad_analysis', message: 'analysis with provider haproxy reads the service\'s HAProxy: declare traffic of type haproxy' };
  const unknown = analysis.queries.find((q) => !(HAPROXY_ANALYSIS_METRICS as readonly string[]).includes(q.query));
  if (unknown === undefined) return { ok: true };
  return { ok: false, reason: 'bad_analysis_query', message: `analysis query ${unknown.name} asks haproxy for "${unknown.query}"; it answers ${HAPROXY_ANALYSIS_METRICS.join(', ')}` };
}

function checkWeightSteps(strategy: StrategySpec | null, traffic: TrafficSpec | null): Check {
  if (strategy?.type !== 'canary' || traffic !== null) return { ok: true };
  if (!(strategy.steps ?? []).some((step) => step.weight !== undefined)) return { ok: true };
  return { ok: false, reason: 'weight_needs_traffic', message: 'a canary step with weight needs the service to declare traffic (an adapter to give the weight to)' };
}
