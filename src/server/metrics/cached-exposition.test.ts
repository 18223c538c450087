/**
 * The cached rendering answers exactly what prom-client renders fresh, in both formats,
 * after any sequence of changes (a property over random sequences), so caching can never
 * serve a stale value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CachedExposition } from './cached-exposition.js';
import { FerryMetrics } from './ferry-metrics.js';

type Step = (m: FerryMetrics) => void;

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ service: fc.constantFrom('a', 'b'), result: fc.constantFrom('succeeded', 'failed', 'rolled_back', 'aborted'), d: fc.double({ min: 0, max: 5000, noNaN: true }) })
    .map(({ service, result, d }) => (m: FerryMetrics) => m.countOutcome({ metric: 'deployment', service, kind: 'deploy', result: result as 'succeeded', duration_s: d })),
  fc.record({ service: fc.constantFrom('a', 'b'), d: fc.double({ min: 0, max: 5000, noNaN: true }) })
    .map(({ service, d }) => (m: FerryMetrics) => m.countOutcome({ metric: 'rollback', service, trigger: 'auto', result: 'succeeded', duration_s: d })),
  fc.constantFrom('v1', 'v2').map((v) => (m: FerryMetrics) => m.countSessionAllocated('a', v)),
  fc.constantFrom('no_ready_instance', 'x').map((r) => (m: FerryMetrics) => m.countSessionRefused('a', r)),
  fc.integer({ min: 200, max: 504 }).map((code) => (m: FerryMetrics) => m.observeHttpRequest('GET', '/metrics', code, 0.01)),
  fc.integer({ min: 0, max: 5 }).map((count) => (m: FerryMetrics) =>
    m.setFleetGauges({ instances: count ? [{ service: 'a', version: 'v1', status: 'ready', count }] : [], drifted: [{ service: 'a', count }], desiredVersions: [{ service: 'a', version: `v${count}` }], consistency: [{ service: 'a', ratio: count / 5 }], heartbeats: [{ host: 'h', last_heartbeat_at: 1000 * count }] }),
  ),
  fc.boolean().map((firing) => (m: FerryMetrics) => m.setFiringAlerts(firing ? [{ alertname: 'AgentSilent', severity: 'P1', service: null }] : [])),
  fc.constant((m: FerryMetrics) => m.countAlertDeliveryFailure('alertmanager')),
);

describe('CachedExposition', () => {
  it('renders what a fresh render of the same registry renders, after any changes, in both formats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(step, { maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.boolean(), async (rounds, openMetricsFirst) => {
        const metrics = new FerryMetrics('ferry', { version: '1.2.3', git_sha: null }, () => 10_000);
        for (const round of rounds) {
          for (const change of round) change(metrics);
          for (const openMetrics of [openMetricsFirst, !openMetricsFirst]) {
            const cached = (await metrics.scrape(openMetrics)).body;
            const fresh = await new CachedExposition(metrics.registry, []).render(openMetrics);
            expect(cached).toBe(fresh);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is the text prom-client itself renders', async () => {
    const metrics = new FerryMetrics('acme', { version: '1.2.3', git_sha: 'abc' }, () => 10_000);
    metrics.countSessionAllocated('a', 'v1');
    metrics.countOutcome({ metric: 'deployment', service: 'a', kind: 'restart', result: 'failed', duration_s: 7 });
    expect((await metrics.scrape(false)).body).toBe(await metrics.registry.metrics());
    expect((await metrics.scrape(false)).body).toMatch(/^acme_sessions_allocated_total\{service="a",version="v1"\} 1$/m);
  });
});
