/**
 * Canary analysis end to end: the built `ferry server` and `ferry agent`, real
 * hello-service instances under load, and a real Prometheus scraping them every second
 * (each target labelled with its instance id). Three canaries of one instance each:
 *   - one answering 20% errors is rolled back by analysis (analysis_failed) before the
 *     next step starts: the other instance never leaves the old version;
 *   - one as clean as the baseline is promoted by its successful analysis and the whole
 *     deployment succeeds;
 *   - one whose compare query can never reach min_samples stays paused, inconclusive,
 *     for a person to decide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { driveLoad } from '../../src/testing/hello-process.js';
import { havePrometheus, PrometheusProcess } from '../../src/testing/prometheus-process.js';
import { HelloService } from './rollout-support.js';

/**
 * The 5xx share of the /api/items answers the canary's version gave since its process
 * started (its counters start at 0); 0 when none failed. Counters rather than rate(): a
 * rate needs two samples of each series, and a young canary's 5xx series is younger than
 * its total, so a rate would read 0 errors for its first seconds.
 */
const ERROR_RATIO =
  '(sum(hello_requests_total{instance=~"{instance}",version="{version}",path="/api/items",status=~"5.."}) or vector(0))' +
  ' / sum(hello_requests_total{instance=~"{instance}",version="{version}",path="/api/items"})';
const CANARY_THEN_ROLL = { type: 'canary', steps: [{ instances: 1 }], min_healthy_time_s: 1 };

let fleet: LocalFleet;
let prometheus: PrometheusProcess;
let load: ReturnType<typeof driveLoad> | undefined;
const services: Record<'bad' | 'good' | 'few', HelloService> = {} as never;

/** Re-declares `web` with its instances and `analysis`, once Prometheus's address is known. */
async function declareAnalysis(web: HelloService, analysis: Record<string, unknown>): Promise<void> {
  await fleet.api.put(`/api/v1/services/${web.name}`, { start: 'node server.js', keep_releases: 5, instances: web.ports.map((port) => ({ host: 'local', port })), analysis: { provider: 'prometheus', address: prometheus.url, interval_s: 1, ...analysis } });
}

beforeAll(async () => {
  if (!havePrometheus) return;
  fleet = await LocalFleet.start({ hosts: ['local'], env: { FERRY_ANALYSIS_TICK_MS: '250' } });
  services.bad = await HelloService.declare(fleet, 'anbad', 2);
  services.good = await HelloService.declare(fleet, 'angood', 2);
  services.few = await HelloService.declare(fleet, 'anfew', 2);
  for (const web of Object.values(services)) {
    await web.release('v1');
    expect((await web.deployAndWait('v1')).status).toBe('succeeded');
  }
  await services.bad.release('v2', { error_rate: 0.2 });
  await services.good.release('v2');
  await services.few.release('v2');
  const targets = Object.values(services).flatMap((web) => web.ports.map((port) => ({ target: `127.0.0.1:${port}`, labels: { instance: web.instanceId(port) } })));
  prometheus = await PrometheusProcess.start([{ name: 'hello', targets }]);
  load = driveLoad(Object.values(services).flatMap((web) => web.ports));
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await prometheus?.stop();
  await fleet?.stop(Object.values(services).map((web) => web.name));
}, 90_000);

describe.skipIf(!havePrometheus)('canary analysis with a real Prometheus', () => {
  it('a canary answering 20% errors is rolled back by analysis before the next step', async () => {
    const web = services.bad;
    await declareAnalysis(web, { count: 3, inconclusive_limit: 10, queries: [{ name: 'error-ratio', query: ERROR_RATIO, success: '< 0.05' }] });
    const id = await web.deploy('v2', { strategy: CANARY_THEN_ROLL });
    const done = await fleet.api.waitForDeployment(id, 90_000);
    const analysis = await fleet.api.get(`/api/v1/deployments/${id}/analysis`);
    const measured = JSON.stringify(analysis.measurements.map((m: { phase: string; verdict: string; reason: string; measured_at: string }) => [m.measured_at, m.phase, m.verdict, m.reason]));
    expect(done.status, measured).toBe('rolled_back');
    expect(done.reason).toEqual({ code: 'analysis_failed', message: expect.stringMatching(/^analysis query error-ratio failed once \(failure_limit 0\); last: query error-ratio returned 0\.\d+, which does not meet success "< 0\.05"$/) });
    // The other instance was never started on v2: the step's analysis stopped the rollout first.
    expect(done.instances.map((i: { status: string }) => i.status).sort(), measured).toEqual(['reverted', 'skipped']);
    expect(await web.versions()).toEqual(['v1', 'v1']);
    expect(analysis).toMatchObject({ deploy_id: id, service: 'anbad', version: 'v2', baseline_version: 'v1' });
    expect(analysis.measurements.at(-1)).toMatchObject({ phase: 'step-1', query: 'error-ratio', verdict: 'failed' });
  }, 120_000);

  it('a canary whose error rate equals the baseline’s is promoted by its analysis and the deployment succeeds', async () => {
    const web = services.good;
    await declareAnalysis(web, {
      count: 3,
      inconclusive_limit: 10,
      queries: [
        { name: 'error-ratio', query: ERROR_RATIO, success: '< 0.05' },
        { name: 'error-ratio-vs-baseline', query: ERROR_RATIO, success: '< 0.05', kind: 'compare', range_s: 10, step_s: 1 },
      ],
      min_samples: 3,
    });
    const id = await web.deploy('v2', { strategy: CANARY_THEN_ROLL });
    const done = await fleet.api.waitForDeployment(id, 90_000);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'succeeded', reason: null });
    expect(await web.versions()).toEqual(['v2', 'v2']);
    const analysis = await fleet.api.get(`/api/v1/deployments/${id}/analysis`);
    const stepOne = analysis.measurements.filter((m: { phase: string; verdict: string }) => m.phase === 'step-1' && m.verdict === 'successful');
    expect(new Set(stepOne.map((m: { query: string }) => m.query))).toEqual(new Set(['error-ratio', 'error-ratio-vs-baseline']));
    expect(analysis.measurements.some((m: { verdict: string }) => m.verdict === 'failed')).toBe(false);
  }, 120_000);

  it('a canary with too few samples stays paused, inconclusive, until a person decides', async () => {
    const web = services.few;
    await declareAnalysis(web, { count: 3, min_samples: 1000, queries: [{ name: 'error-ratio-vs-baseline', query: ERROR_RATIO, success: '< 0.05', kind: 'compare', range_s: 10, step_s: 1 }] });
    const id = await web.deploy('v2', { strategy: CANARY_THEN_ROLL });
    const paused = await pollUntil('the canary to pause inconclusive', async () => {
      const view = await web.deployment(id);
      if (['succeeded', 'failed', 'rolled_back', 'aborted'].includes(view.status)) throw new Error(`deployment ended ${view.status}`);
      return view.status === 'paused' && view.rollout?.pause?.kind === 'inconclusive' ? view : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(paused.instances.map((i: { status: string }) => i.status).sort()).toEqual(['pending', 'succeeded']);
    const analysis = await fleet.api.get(`/api/v1/deployments/${id}/analysis`);
    expect(analysis.judgement).toMatchObject({ phase: 'step-1', state: 'inconclusive', reason: { code: 'analysis_inconclusive', message: expect.stringContaining('too few samples') } });
    // Nothing more is measured while a person is asked.
    const rows = analysis.measurements.length;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a window in which a due measurement would have been taken (interval 1 s, tick 250 ms)
    expect((await fleet.api.get(`/api/v1/deployments/${id}/analysis`)).measurements.length).toBe(rows);
    expect((await web.deployment(id)).status).toBe('paused');
    await fleet.api.post(`/api/v1/deployments/${id}/abort`, {});
    expect((await fleet.api.waitForDeployment(id, 60_000)).status).toBe('aborted');
    expect(await web.versions()).toEqual(['v1', 'v1']);
  }, 120_000);
});
