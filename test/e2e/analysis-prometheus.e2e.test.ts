/**
 * The analysis runner against a real Prometheus scraping real hello-service processes
 * under load: a canary answering 20% errors is measured failed by a threshold and a compare
 * query, one as clean as its baseline successful, a compare query short of samples
 * inconclusive, and a Prometheus that is down gives inconclusive measurements naming the
 * error, never a success. The server side runs in process on an in-memory store; the
 * deployment is written as the planner leaves a canary paused at its first step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../src/core/analysis/analysis-spec.js';
import type { OperationTarget } from '../../src/core/types.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { AnalysisRunner } from '../../src/server/features/analysis/analysis-runner.js';
import { analysisJudgementFor } from '../../src/server/features/analysis/analysis-judgement-source.js';
import type { ServerContext } from '../../src/server/server-context.js';
import { makeInstance, makeOperation, makeService, makeTarget } from '../../src/testing/builders.js';
import { driveLoad, HelloProcess } from '../../src/testing/hello-process.js';
import { inMemoryServerContext } from '../../src/testing/in-memory-server-context.js';
import { havePrometheus, PrometheusProcess } from '../../src/testing/prometheus-process.js';

/** The 5xx share of /api/items answers of the instances and version asked, over 5 s; 0 when none failed. */
const ERROR_RATIO =
  '(sum(rate(hello_requests_total{instance=~"{instance}",version="{version}",path="/api/items",status=~"5.."}[5s])) or vector(0))' +
  ' / sum(rate(hello_requests_total{instance=~"{instance}",version="{version}",path="/api/items"}[5s]))';

const INSTANCES = { 'web-1': 'v1', 'web-2': 'v1', 'web-3': 'v3', 'web-4': 'v2' } as const;

let prometheus: PrometheusProcess;
let hellos: Record<string, HelloProcess> = {};
let load: ReturnType<typeof driveLoad>;
let ctx: ServerContext;
let runner: AnalysisRunner;

function analysis(over: Partial<AnalysisSpec> = {}): AnalysisSpec {
  return {
    provider: 'prometheus',
    address: prometheus.url,
    interval_s: 1,
    count: 2,
    min_samples: 8,
    queries: [
      { name: 'error-ratio', query: ERROR_RATIO, success: '< 0.05' },
      { name: 'error-ratio-vs-baseline', query: ERROR_RATIO, success: '< 0.05', kind: 'compare', range_s: 12, step_s: 1 },
    ],
    ...over,
  };
}

/** A deployment of `version` paused after its first canary step, `canary` changed and past its health gate. */
async function pausedCanary(id: string, version: string, canary: string, spec: AnalysisSpec): Promise<void> {
  await ctx.store.putService({ ...(await ctx.store.getService('web'))!, analysis: spec });
  const now = Date.now();
  const targets: OperationTarget[] = Object.keys(INSTANCES).map((instance) =>
    instance === canary ? makeTarget(instance, 'v1', version, { operation_id: id, status: 'succeeded', changed: true, healthy_at: now }) : makeTarget(instance, 'v1', version, { operation_id: id }),
  );
  const operation = makeOperation({
    id,
    service: 'web',
    version,
    status: 'paused',
    strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] },
    rollout: { steps_done: 0, pause: { kind: 'until_promoted', until: null, since: now }, progress_at: now, abort: null },
  });
  await ctx.store.insertOperation(operation, targets);
}

async function endOperation(id: string): Promise<void> {
  await ctx.store.updateOperation(id, { status: 'aborted', completed_at: Date.now() });
}

/** Runs the runner's passes until the deployment has `n` measurements per query. */
async function measured(id: string, perQuery: number, queries = 2) {
  return pollUntil(`${perQuery} measurements of ${id}`, async () => {
    await runner.measureDue();
    const rows = await ctx.store.listAnalysisMeasurements(id);
    return rows.length >= perQuery * queries ? rows : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200 });
}

beforeAll(async () => {
  if (!havePrometheus) return;
  for (const [id, version] of Object.entries(INSTANCES)) hellos[id] = await HelloProcess.start(version, id, version === 'v3' ? { error_rate: 0.2 } : {});
  prometheus = await PrometheusProcess.start([{ name: 'hello', targets: Object.entries(hellos).map(([id, h]) => ({ target: h.target, labels: { instance: id } })) }]);
  load = driveLoad(Object.values(hellos).map((h) => h.port));
  ctx = inMemoryServerContext(Date.now);
  await ctx.store.putService(makeService({ name: 'web' }));
  for (const [id, version] of Object.entries(INSTANCES)) await ctx.store.insertInstance(makeInstance(id, version, { service: 'web', host: 'local', port: hellos[id]!.port }));
  runner = new AnalysisRunner(ctx, { tickMs: 1000, queryTimeoutMs: 3000 });
  // Enough scrapes that a 12 s range has samples of every instance.
  await pollUntil('prometheus to hold 12 s of the canary’s errors', async () => {
    const [row] = await prometheus.query('count_over_time(hello_requests_total{instance="web-3",path="/api/items",status="500"}[12s])');
    return row !== undefined && row.value >= 10 ? true : undefined;
  }, { timeoutMs: 40_000, intervalMs: 500 });
}, 90_000);

afterAll(async () => {
  await load?.stop();
  await prometheus?.stop();
  await Promise.all(Object.values(hellos).map((h) => h.stop()));
}, 30_000);

describe.skipIf(!havePrometheus)('the analysis runner with a real Prometheus', () => {
  it('a canary answering 20% errors: both queries measure failed, and the judgement is analysis_failed naming the query and its value', async () => {
    await pausedCanary('dep-bad', 'v3', 'web-3', analysis());
    const rows = await measured('dep-bad', 1);
    const byQuery = Object.fromEntries(rows.map((m) => [m.query, m]));
    expect(byQuery['error-ratio']).toMatchObject({ phase: 'step-1', verdict: 'failed', reason: expect.stringMatching(/^query error-ratio returned 0\.[12]\d*, which does not meet success "< 0\.05"$/) });
    expect(byQuery['error-ratio-vs-baseline']).toMatchObject({ verdict: 'failed', values: { worse_if: 'greater', confidence: 0.98 } });
    const values = byQuery['error-ratio-vs-baseline']!.values as { canary: { samples: number; median: number }; baseline: { median: number } };
    expect(values.canary.samples).toBeGreaterThanOrEqual(8);
    expect(values.baseline.median).toBe(0);
    const operation = (await ctx.store.getOperation('dep-bad'))!;
    const judgement = await analysisJudgementFor(ctx.store, operation, (await ctx.store.getService('web'))!, Date.now());
    expect(judgement).toMatchObject({ phase: 'step-1', state: 'failed', reason: { code: 'analysis_failed', message: expect.stringContaining('analysis query error-ratio failed once') } });
    // Once failed, nothing more is due: a rollback decides now.
    expect(await runner.measureDue()).toBe(0);
    await endOperation('dep-bad');
  }, 60_000);

  it('a canary as clean as its baseline: successful measurements until count, judged successful', async () => {
    await pausedCanary('dep-good', 'v2', 'web-4', analysis());
    const rows = await measured('dep-good', 2);
    expect(rows.map((m) => m.verdict)).toEqual(['successful', 'successful', 'successful', 'successful']);
    const judgement = await analysisJudgementFor(ctx.store, (await ctx.store.getOperation('dep-good'))!, (await ctx.store.getService('web'))!, Date.now());
    expect(judgement).toEqual({ phase: 'step-1', state: 'successful', reason: null, dry_run: false });
    await endOperation('dep-good');
  }, 60_000);

  it('a compare query short of min_samples is inconclusive "too few samples", and the judgement analysis_inconclusive', async () => {
    await pausedCanary('dep-few', 'v2', 'web-4', analysis({ min_samples: 500, queries: [analysis().queries[1]!] }));
    const [row] = await measured('dep-few', 1, 1);
    expect(row).toMatchObject({ verdict: 'inconclusive', reason: expect.stringMatching(/^query error-ratio-vs-baseline: too few samples \(canary \d+, baseline \d+; min_samples 500\)$/) });
    const judgement = await analysisJudgementFor(ctx.store, (await ctx.store.getOperation('dep-few'))!, (await ctx.store.getService('web'))!, Date.now());
    expect(judgement).toMatchObject({ state: 'inconclusive', reason: { code: 'analysis_inconclusive' } });
    await endOperation('dep-few');
  }, 60_000);

  it('Prometheus down: every query is inconclusive with the error as its reason, never successful', async () => {
    await prometheus.kill();
    await pausedCanary('dep-down', 'v2', 'web-4', analysis());
    const rows = await measured('dep-down', 1);
    for (const row of rows) expect(row).toMatchObject({ verdict: 'inconclusive', reason: expect.stringMatching(/^query error-ratio(-vs-baseline)?: Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer/) });
    await endOperation('dep-down');
  }, 60_000);
});
