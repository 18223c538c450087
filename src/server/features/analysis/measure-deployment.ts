/**
 * One pass of the analysis runner over one deployment: if a measurement is due for its
 * current phase (core/analysis/analysis-schedule.ts), every query is measured at once,
 * each bounded by the configured timeout, and every verdict is stored. Returns the
 * measurements stored (none when nothing was due).
 */
import type { AnalysisMeasurement } from '../../../core/analysis/analysis-measurement.js';
import { analysisDue, analysisSubjectsOf } from '../../../core/analysis/analysis-schedule.js';
import { analysisSettingsOf, judgeAnalysis } from '../../../core/analysis/judge-analysis.js';
import type { Operation, Service } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import type { AnalysisConfig } from './analysis-config.js';
import { analysisProviderOf, serverNamesOf } from './analysis-provider-of.js';

export async function measureDeployment(ctx: Pick<ServerContext, 'store' | 'now' | 'log'>, operation: Operation, service: Service, config: AnalysisConfig): Promise<AnalysisMeasurement[]> {
  const provider = analysisProviderOf(service);
  if (provider === undefined || service.analysis === null) return [];
  const spec = service.analysis;
  const [targets, instances] = await Promise.all([ctx.store.listTargets(operation.id), ctx.store.listInstances({ service: service.name })]);
  const live = instances.filter((i) => i.removed_at === null);
  const subjects = analysisSubjectsOf(operation, targets, live.map((i) => i.instance_id));
  if (subjects === null) return [];
  const all = await ctx.store.listAnalysisMeasurements(operation.id);
  const phaseRows = all.filter((m) => m.phase === subjects.phase);
  const judgement = judgeAnalysis(spec, phaseRows, subjects.phase);
  const lastAt = phaseRows.length === 0 ? null : Math.max(...phaseRows.map((m) => m.measured_at));
  const now = ctx.now();
  // HAProxy's first reading of an operation only starts its counters (core/analysis/haproxy-figures.ts).
  const startingReading = spec.provider === 'haproxy' && all.length === 0;
  if (!analysisDue(subjects, lastAt, judgement, analysisSettingsOf(spec).interval_s, now, startingReading)) return [];
  const hosts = new Map((await ctx.store.listHosts()).map((h) => [h.host, h]));
  const serverNames = serverNamesOf(service, live, hosts);
  const verdicts = await Promise.all(
    spec.queries.map(async (query) => ({
      query,
      verdict: await provider.measure({ service: service.name, query, subjects, previous: all.filter((m) => m.query === query.name).at(-1) ?? null, serverNames, timeoutMs: config.queryTimeoutMs, now }),
    })),
  );
  const stored: AnalysisMeasurement[] = [];
  for (const { query, verdict } of verdicts) {
    stored.push(await ctx.store.appendAnalysisMeasurement({ operation_id: operation.id, phase: subjects.phase, query: query.name, ...verdict, measured_at: now }));
  }
  for (const m of stored) {
    ctx.log.info({ deploy_id: operation.id, service: service.name, phase: m.phase, query: m.query, verdict: m.verdict }, `analysis: ${m.reason}`);
  }
  return stored;
}
