/**
 * `GET /metrics` in process on a real SQLite store: what requests, sessions, committed
 * events and the gauge refresh put there, the route label of the request histogram, both
 * exposition formats, and that a scrape still answers with the store closed (it reads
 * memory only).
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventOf } from '../../core/events/event-catalogue.js';
import type { Store } from '../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../testing/fake-server-context.js';
import { buildApp } from '../http/build-app.js';
import { FleetGaugeRefresh } from './fleet-gauge-refresh.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let store: Store;
let app: FastifyInstance;
let now: number;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.body };
}

async function scrape(accept?: string) {
  const response = await app.inject({ method: 'GET', url: '/metrics', ...(accept ? { headers: { accept } } : {}) });
  expect(response.statusCode).toBe(200);
  return { contentType: String(response.headers['content-type']), text: response.body };
}

/** The value of one series line, e.g. `ferry_instances{service="web",…}`; undefined when absent. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Declares `web` on host h1 and reports its instances ready on `version` through the agent route. */
async function fleet(ports: number[], version: string) {
  expect((await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: ports.map((port) => ({ host: 'h1', port })) })).status).toBe(200);
  await store.setServiceVersions('web', { desired_version: version, previous_version: null, updated_at: now });
  const instances = ports.map((port) => ({ instance_id: `web-h1-${port}`, service: 'web', status: 'ready', version, pid: 1, achieved_generation: 0, outcome: null }));
  expect((await call('POST', '/api/v1/agents/h1/heartbeat', { address: '10.1.2.3', agent_version: 'test', instances })).status).toBe(200);
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
});

afterEach(async () => {
  await app.close();
  await fake.close().catch(() => undefined); // one test closes the store itself
});

describe('GET /metrics: gauges kept by the refresh', () => {
  it('shows instances by version and status, desired version, consistency and heartbeat age once refreshed', async () => {
    await fleet([7001, 7002], 'v1');
    expect(valueOf((await scrape()).text, 'ferry_instances{service="web",version="v1",status="ready"}')).toBeUndefined();
    await new FleetGaugeRefresh(fake.ctx).refresh();
    now += 4000;
    const { text } = await scrape();
    expect(valueOf(text, 'ferry_instances{service="web",version="v1",status="ready"}')).toBe(2);
    expect(valueOf(text, 'ferry_desired_version_info{service="web",version="v1"}')).toBe(1);
    expect(valueOf(text, 'ferry_version_consistency_ratio{service="web"}')).toBe(1);
    // v1 was never registered as a release, so both instances run an unregistered version: drifted.
    expect(valueOf(text, 'ferry_drifted_instances{service="web"}')).toBe(2);
    // The age is computed at scrape time from the last heartbeat: it grew with the clock, without a refresh.
    expect(valueOf(text, 'ferry_agent_heartbeat_age_seconds{host="h1"}')).toBe(4);
    expect(text).toMatch(/^ferry_build_info\{version="[^"]+",git_sha="[^"]+"\} 1$/m);
  });

  it('answers from memory: with the store closed the scrape still shows the last refresh', async () => {
    await fleet([7001], 'v1');
    await new FleetGaugeRefresh(fake.ctx).refresh();
    await store.close();
    await expect(store.listServices()).rejects.toThrow();
    expect(valueOf((await scrape()).text, 'ferry_instances{service="web",version="v1",status="ready"}')).toBe(1);
  });
});

describe('GET /metrics: counters moved as things happen', () => {
  it('counts allocated sessions by version and refused ones by reason code', async () => {
    await fleet([7001], 'v1');
    expect((await call('POST', '/api/v1/sessions', { service: 'web' })).status).toBe(201);
    expect((await call('POST', '/api/v1/sessions', { service: 'web' })).status).toBe(201);
    await store.setServiceVersions('web', { desired_version: 'v9', previous_version: 'v1', updated_at: now });
    const refused = await call('POST', '/api/v1/sessions', { service: 'web' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const code = (JSON.parse(refused.body) as { error: { code: string } }).error.code;
    const { text } = await scrape();
    expect(valueOf(text, 'ferry_sessions_allocated_total{service="web",version="v1"}')).toBe(2);
    expect(valueOf(text, `ferry_sessions_refused_total{service="web",reason="${code}"}`)).toBe(1);
  });

  it('counts a committed end event into the deployment counter and histogram', async () => {
    const envelope = { at: now, service: 'web', version: 'v2', instance_id: null, deploy_id: 'dep-1', actor: 'a', correlation_id: 'c' };
    fake.ctx.events.deliver([{ ...eventOf('deploy_completed', envelope, { kind: 'deploy', whole_service: true, duration_s: 42 }), id: 1 }]);
    fake.ctx.events.deliver([{ ...eventOf('rollback_completed', envelope, { kind: 'deploy', automatic: true, reason: { code: 'x', message: 'm' }, duration_s: 3 }), id: 2 }]);
    const { text } = await scrape();
    expect(valueOf(text, 'ferry_deployments_total{service="web",kind="deploy",result="succeeded"}')).toBe(1);
    expect(valueOf(text, 'ferry_deployment_duration_seconds_sum{service="web",kind="deploy",result="succeeded"}')).toBe(42);
    expect(valueOf(text, 'ferry_deployment_duration_seconds_bucket{le="30",service="web",kind="deploy",result="succeeded"}')).toBe(0);
    expect(valueOf(text, 'ferry_deployment_duration_seconds_bucket{le="60",service="web",kind="deploy",result="succeeded"}')).toBe(1);
    expect(valueOf(text, 'ferry_rollbacks_total{service="web",trigger="auto",result="succeeded"}')).toBe(1);
    expect(valueOf(text, 'ferry_rollback_duration_seconds_count{service="web",trigger="auto"}')).toBe(1);
  });

  it('times requests by the matched route pattern, never the raw URL; an unmatched path gets one fixed label', async () => {
    await fleet([7001], 'v1');
    expect((await call('GET', '/api/v1/services/web')).status).toBe(200);
    expect((await call('GET', '/api/v1/services/no-such-service')).status).toBe(404);
    expect((await call('GET', '/secret-looking/path-xyz')).status).toBe(404);
    const { text } = await scrape();
    expect(valueOf(text, 'ferry_http_request_duration_seconds_count{method="GET",route="/api/v1/services/:service",status_code="200"}')).toBe(1);
    expect(valueOf(text, 'ferry_http_request_duration_seconds_count{method="GET",route="/api/v1/services/:service",status_code="404"}')).toBe(1);
    expect(valueOf(text, 'ferry_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    expect(text).not.toContain('no-such-service');
    expect(text).not.toContain('path-xyz');
  });

  it('exposes the alert gauge and delivery failures through the setter API the alert evaluator calls', async () => {
    fake.ctx.metrics.setFiringAlerts([
      { alertname: 'DeploymentFailed', severity: 'P1', service: 'web' },
      { alertname: 'AgentSilent', severity: 'P1', service: null },
    ]);
    fake.ctx.metrics.countAlertDeliveryFailure('webhook');
    let { text } = await scrape();
    expect(valueOf(text, 'ferry_alerts_firing{alertname="DeploymentFailed",severity="P1",service="web"}')).toBe(1);
    expect(valueOf(text, 'ferry_alerts_firing{alertname="AgentSilent",severity="P1",service=""}')).toBe(1);
    expect(valueOf(text, 'ferry_alert_deliveries_failed_total{receiver="webhook"}')).toBe(1);
    expect(valueOf(text, 'ferry_alert_deliveries_failed_total{receiver="alertmanager"}')).toBe(0);
    fake.ctx.metrics.setFiringAlerts([]);
    ({ text } = await scrape());
    expect(text).not.toMatch(/^ferry_alerts_firing\{/m);
  });
});

describe('GET /metrics: formats', () => {
  it('answers text 0.0.4 by default and OpenMetrics when the Accept header asks, without changing later text scrapes', async () => {
    await fleet([7001], 'v1');
    await call('POST', '/api/v1/sessions', { service: 'web' });
    const plain = await scrape();
    expect(plain.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const open = await scrape('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1');
    expect(open.contentType).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(open.text.endsWith('# EOF\n')).toBe(true);
    expect(open.text).toMatch(/^# TYPE ferry_sessions_allocated counter$/m);
    expect(open.text).toMatch(/^ferry_sessions_allocated_total\{service="web",version="v1"\} 1$/m);
    const again = await scrape();
    expect(again.text).toMatch(/^# TYPE ferry_sessions_allocated_total counter$/m);
    expect(valueOf(again.text, 'ferry_sessions_allocated_total{service="web",version="v1"}')).toBe(1);
  });
});
