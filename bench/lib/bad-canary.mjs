/**
 * Bench support for zero-downtime.mjs: a bad canary (a release answering 20% of its
 * traffic with 500) judged by the `haproxy` analysis provider from HAProxy's own counters,
 * and how long it stays in traffic before Ferry has rolled it back. Target: within 2
 * analysis intervals. Measured from the moment HAProxy sends the canary traffic (a server
 * UP with a weight that answers the bad version) to the deployment ending `rolled_back`.
 */
import { packageHello } from '../../dist/local-fleet/hello-packages.js';
import { pollUntil } from '../../dist/local-fleet/poll-until.js';
import { readServerStats } from '../../dist/server/traffic/haproxy-runtime-api.js';

const TERMINAL = ['succeeded', 'failed', 'rolled_back', 'aborted'];

/** True when the server runs the analysis (its route knows deployments), false on a build without it. */
export async function analysisAvailable(api) {
  try {
    await api.get('/api/v1/deployments/bench-none/analysis');
    return true;
  } catch (error) {
    return error.code === 'deployment_not_found';
  }
}

async function versionOn(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/version`, { signal: AbortSignal.timeout(500) });
    return res.ok ? (await res.json()).version : null;
  } catch {
    return null;
  }
}

/** Whether HAProxy sends traffic to an instance that answers `version`. */
async function inTraffic(haproxy, portsByServer, version) {
  const stats = await readServerStats(haproxy.socket, haproxy.backend, { timeoutMs: 1000 });
  const serving = stats.filter((s) => s.status === 'UP' && s.weight > 0 && portsByServer.has(s.server));
  const versions = await Promise.all(serving.map((s) => versionOn(portsByServer.get(s.server))));
  return versions.includes(version);
}

/**
 * Declares `analysis` on the service (`spec` is its declaration), deploys the bad release
 * as a weight-10 canary under `loadOptions`, waits for the end, and puts `spec` back.
 */
export async function measureBadCanary({ fleet, haproxy, spec, portsByServer, startLoad, loadOptions, behaviour, intervalS }) {
  const version = 'v-bad';
  const pkg = await packageHello(fleet.dir, 'hello', version, { behaviour: { ...behaviour, error_rate: 0.2 } });
  await fleet.api.post('/api/v1/releases', { service: 'hello', version, package_url: pkg.package_url, sha256: pkg.sha256 });
  const analysis = { provider: 'haproxy', interval_s: intervalS, count: 3, failure_limit: 0, queries: [{ name: 'error-ratio', query: 'error_ratio', success: '< 0.05' }] };
  await fleet.api.put('/api/v1/services/hello', { ...spec, analysis });
  const load = startLoad(loadOptions);
  try {
    const started = performance.now();
    const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: 'hello', version, strategy: { type: 'canary', steps: [{ weight: 10 }], min_healthy_time_s: 0 } });
    let inTrafficAt = null;
    const done = await pollUntil('the bad canary to end', async () => {
      if (inTrafficAt === null && (await inTraffic(haproxy, portsByServer, version))) inTrafficAt = performance.now();
      const deployment = await fleet.api.get(`/api/v1/deployments/${deploy_id}`);
      return TERMINAL.includes(deployment.status) ? deployment : undefined;
    }, { timeoutMs: 180_000, intervalMs: 100 });
    const endedAt = performance.now();
    const report = await load.stop();
    const { measurements } = await fleet.api.get(`/api/v1/deployments/${deploy_id}/analysis`);
    const inTrafficS = inTrafficAt === null ? null : Math.round((endedAt - inTrafficAt) / 100) / 10;
    return {
      measured: true,
      analysis,
      status: done.status,
      reason: done.reason,
      deploy_to_end_s: Math.round((endedAt - started) / 100) / 10,
      in_traffic_to_rolled_back_s: inTrafficS,
      target_s: 2 * intervalS,
      measurements: measurements.map((m) => ({ phase: m.phase, verdict: m.verdict, value: m.value ?? m.values ?? null })),
      failed_requests: report.failed,
      failures_by_reason: report.failures,
      requests_sent: report.sent,
      ok: done.status === 'rolled_back' && inTrafficS !== null && inTrafficS <= 2 * intervalS,
    };
  } finally {
    await load.stop();
    await fleet.api.put('/api/v1/services/hello', spec);
  }
}
