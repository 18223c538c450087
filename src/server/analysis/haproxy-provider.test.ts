/**
 * The haproxy analysis provider against a real HAProxy in front of real hello-service
 * processes: the first reading only starts the counters, the next one judges the canary
 * server's 5xx share since then (a 20% error canary fails, its clean neighbour would not),
 * response time is read as HAProxy reports it, and a HAProxy that is gone is inconclusive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisQuery } from '../../core/analysis/analysis-spec.js';
import type { AnalysisMeasurement } from '../../core/analysis/analysis-measurement.js';
import type { AnalysisSubjects } from '../../core/analysis/analysis-schedule.js';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { haproxyMissing, startHaproxy, type HaproxyProcess } from '../../local-fleet/haproxy-process.js';
import { driveLoad, HelloProcess } from '../../testing/hello-process.js';
import { HaproxyProvider } from './haproxy-provider.js';
import { readServerStats } from '../traffic/haproxy-runtime-api.js';

const missing = haproxyMissing();
const errors: AnalysisQuery = { name: 'errors', query: 'error_ratio', success: '< 0.05' };
const latency: AnalysisQuery = { name: 'latency', query: 'response_time_ms', success: '< 1000' };
const subjects: AnalysisSubjects = { phase: 'step-1', version: 'v2', baseline_version: 'v1', canary: ['web-2'], baseline: ['web-1'], since: 0 };
const serverNames = new Map([['web-1', 'web-1'], ['web-2', 'web-2']]);

let stable: HelloProcess;
let canary: HelloProcess;
let haproxy: HaproxyProcess;

beforeAll(async () => {
  if (missing !== undefined) return;
  stable = await HelloProcess.start('v1', 'web-1');
  canary = await HelloProcess.start('v2', 'web-2', { error_rate: 0.2 });
  haproxy = await startHaproxy({ socket: 'unix', backend: 'web', servers: [{ name: 'web-1', address: '127.0.0.1', port: stable.port }, { name: 'web-2', address: '127.0.0.1', port: canary.port }] });
}, 60_000);

afterAll(async () => {
  await haproxy?.stop();
  await stable?.stop();
  await canary?.stop();
});

function asStored(verdict: Awaited<ReturnType<HaproxyProvider['measure']>>): AnalysisMeasurement {
  return { ...verdict, id: 1, operation_id: 'dep-1', phase: 'step-1', query: 'errors', measured_at: Date.now() };
}

describe.skipIf(missing !== undefined)('the haproxy analysis provider with a real HAProxy', () => {
  it('starts from a first reading, then fails a canary answering 20% errors over the responses since', async () => {
    const provider = new HaproxyProvider({ type: 'haproxy', socket: haproxy.socket, backend: 'web' });
    const request = { service: 'web', query: errors, subjects, serverNames, timeoutMs: 2000, now: Date.now() };
    const first = await provider.measure({ ...request, previous: null });
    expect(first).toMatchObject({ verdict: 'inconclusive', values: { starting_reading: true } });
    const load = driveLoad([haproxy.port]);
    try {
      await pollUntil('200 responses from the canary server', async () => {
        const [server] = (await readServerStats(haproxy.socket, 'web', { timeoutMs: 1000 })).filter((s) => s.server === 'web-2');
        return server !== undefined && server.responses >= 200 ? true : undefined;
      }, { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      await load.stop();
    }
    const second = await provider.measure({ ...request, previous: asStored(first) });
    expect(second.verdict).toBe('failed');
    const ratio = (second.values.values as number[])[0]!;
    expect(ratio).toBeGreaterThan(0.08);
    expect(ratio).toBeLessThan(0.4);
    expect(second.reason).toMatch(/^query errors returned 0\.\d+, which does not meet success "< 0\.05"$/);
    // Response time too counts only with requests since the previous reading, never on a first one.
    expect((await provider.measure({ ...request, query: latency, previous: null })).verdict).toBe('inconclusive');
    const latest = await provider.measure({ ...request, query: latency, previous: asStored(first) });
    expect(latest).toMatchObject({ verdict: 'successful', values: { values: [expect.any(Number)] } });
  }, 60_000);

  it('a server name the backend does not have, and a socket nobody answers, are inconclusive', async () => {
    const provider = new HaproxyProvider({ type: 'haproxy', socket: haproxy.socket, backend: 'web' });
    const unknown = await provider.measure({ service: 'web', query: errors, subjects, serverNames: new Map([['web-2', 'web-9']]), previous: null, timeoutMs: 2000, now: Date.now() });
    expect(unknown).toMatchObject({ verdict: 'inconclusive', reason: 'query errors: HAProxy shows no server web-9 in the backend' });
    const gone = new HaproxyProvider({ type: 'haproxy', socket: `${haproxy.socket}.missing`, backend: 'web' });
    const down = await gone.measure({ service: 'web', query: errors, subjects, serverNames, previous: null, timeoutMs: 1000, now: Date.now() });
    expect(down).toMatchObject({ verdict: 'inconclusive', reason: expect.stringMatching(/^query errors: HAProxy runtime API .*admin\.sock\.missing: /) });
  });
});
