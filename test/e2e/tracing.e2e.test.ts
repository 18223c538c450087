/**
 * One OpenTelemetry trace per deployment across server and agent processes, received by a
 * real OTLP/HTTP receiver on loopback: the root span with the contract's attributes, the
 * agent's install/start/probe/verify spans under it, the HTTP span of the request that
 * started it, TRACEPARENT in the instance's environment, and the audit events naming the
 * same trace. A server killed mid-deployment and restarted still ends the root span.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../bench/lib/otlp-receiver.mjs';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { HelloService, tally } from './rollout-support.js';

let receiver: OtlpReceiver;
let fleet: LocalFleet;
let svc: HelloService;

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  fleet = await LocalFleet.start({ hosts: ['local'], env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200', FERRY_ENVIRONMENT: 'e2e' } });
  svc = await HelloService.declare(fleet, 'traced', 2);
  await svc.release('v1');
  await svc.release('v2', { start_delay_ms: 1500 });
}, 60_000);

afterAll(async () => {
  await fleet?.stop(['traced']);
  await receiver?.close();
}, 60_000);

async function post(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${fleet.server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fleet.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Waits for the root span of operation `id` and returns every span of its trace. */
async function traceOf(id: string): Promise<{ root: ReceivedSpan; spans: ReceivedSpan[] }> {
  const root = await pollUntil(`root span of ${id}`, async () => receiver.spans.find((s) => s.name === 'ferry.deployment' && s.attributes['ferry.deploy_id'] === id), { timeoutMs: 20_000 });
  return { root, spans: receiver.trace(root.traceId) };
}

/** Runs the real CLI against the fleet's server. */
function ferry(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [FERRY_BIN, ...args, '--server', fleet.server.url, '--token', fleet.token], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

describe('a traced deployment', () => {
  it('is one trace from the request through the server to the agent and the instance', async () => {
    const response = await post('/api/v1/deployments', { service: 'traced', version: 'v1', strategy: { type: 'all_at_once' } }, {
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      'x-request-id': 'req-e2e-1',
      'x-correlation-id': 'ci:pipeline-7',
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-request-id')).toBe('req-e2e-1');
    expect(response.headers.get('x-correlation-id')).toBe('ci:pipeline-7');
    const { deploy_id: id } = (await response.json()) as { deploy_id: string };
    expect((await fleet.api.waitForDeployment(id)).status).toBe('succeeded');

    const { root, spans } = await traceOf(id);
    expect(root.traceId).toBe(CALLER_TRACE);
    expect(root.serviceName).toBe('ferry-server');
    expect(root.attributes).toMatchObject({
      'ferry.service': 'traced',
      'ferry.version': 'v1',
      'deployment.id': id,
      'deployment.status': 'succeeded',
      'deployment.environment.name': 'e2e',
      'cicd.pipeline.run.id': id,
      'cicd.pipeline.result': 'success',
    });
    const http = spans.find((s) => s.name === 'POST /api/v1/deployments');
    // Polling GET /api/v1/deployments/<id> made server spans named by the route pattern, never the URL.
    const polls = receiver.spans.filter((s) => s.attributes['http.route'] === '/api/v1/deployments/:id');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((s) => s.name === 'GET /api/v1/deployments/:id' && s.attributes['http.response.status_code'] === 200)).toBe(true);
    expect(receiver.spans.filter((s) => s.name.includes(id))).toEqual([]);
    expect(http?.parentSpanId).toBe(CALLER_SPAN);
    expect(root.parentSpanId).toBe(http?.spanId);

    // The agent exports on its own schedule: wait until both instances' spans are in.
    const agentSpans = await pollUntil('the agent spans', async () => {
      const got = receiver.trace(CALLER_TRACE).filter((s) => s.serviceName === 'ferry-agent');
      return ['ferry.instance.install', 'ferry.instance.start', 'ferry.instance.probe', 'ferry.instance.verify'].every((n) => got.filter((s) => s.name === n).length >= 1) &&
        got.filter((s) => s.name === 'ferry.instance.verify').length === 2
        ? got
        : undefined;
    }, { timeoutMs: 20_000 });
    for (const name of ['ferry.instance.install', 'ferry.instance.start', 'ferry.instance.probe']) {
      for (const span of agentSpans.filter((s) => s.name === name)) expect(span.parentSpanId, name).toBe(root.spanId);
    }
    const probeIds = new Set(agentSpans.filter((s) => s.name === 'ferry.instance.probe').map((s) => s.spanId));
    for (const verify of agentSpans.filter((s) => s.name === 'ferry.instance.verify')) expect(probeIds.has(verify.parentSpanId)).toBe(true);
    // All at once: one batch under the root, both instances under it.
    const batches = receiver.trace(CALLER_TRACE).filter((s) => s.name === 'ferry.batch');
    expect(batches.map((b) => b.parentSpanId)).toEqual([root.spanId]);
    expect(receiver.trace(CALLER_TRACE).filter((s) => s.name === 'ferry.instance' && s.parentSpanId === batches[0]!.spanId)).toHaveLength(2);

    // The instance process joins the trace under its start span.
    const startIds = new Set(agentSpans.filter((s) => s.name === 'ferry.instance.start').map((s) => s.spanId));
    for (const pid of Object.values(svc.pids())) {
      const traceparent = environOf(pid!).TRACEPARENT ?? '';
      expect(traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));
      expect(startIds.has(traceparent.split('-')[2]!)).toBe(true);
    }

    // The audit events name the trace and the request, and are found by either id.
    const { events } = await fleet.api.get(`/api/v1/audit?trace_id=${CALLER_TRACE}`);
    expect(events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['deploy_started', 'deploy_completed']));
    for (const event of events) expect(event).toMatchObject({ deploy_id: id, trace_id: CALLER_TRACE, request_id: 'req-e2e-1', correlation_id: 'ci:pipeline-7' });
    const byCorrelation = await fleet.api.get(`/api/v1/audit?correlation_id=${encodeURIComponent('ci:pipeline-7')}`);
    expect(byCorrelation.events.map((e: { id: number }) => e.id)).toEqual(events.map((e: { id: number }) => e.id));
    expect(spans.map((s) => s.traceId)).toContain(events[0].trace_id);
    const audited = await ferry(['audit', '--trace-id', CALLER_TRACE, '--json']);
    expect(JSON.parse(audited.stdout).events.map((e: { id: number }) => e.id)).toEqual(events.map((e: { id: number }) => e.id));
    const correlated = await ferry(['audit', '--correlation-id', 'ci:pipeline-7', '--json']);
    expect(JSON.parse(correlated.stdout).events.map((e: { id: number }) => e.id)).toEqual(events.map((e: { id: number }) => e.id));

    // `ferry which --trace` answers what that trace put in place, and where.
    const which = await ferry(['which', '--trace', CALLER_TRACE, '--json']);
    expect(which.code, which.stderr).toBe(0);
    const answer = JSON.parse(which.stdout);
    expect(answer.operations).toHaveLength(1);
    expect(answer.operations[0]).toMatchObject({ id, kind: 'deploy', service: 'traced', status: 'succeeded' });
    expect(answer.operations[0].instances.map((i: { instance_id: string; host: string; version: string }) => [i.instance_id, i.host, i.version]).sort()).toEqual(
      svc.ports.map((port) => [svc.instanceId(port), 'local', 'v1']).sort(),
    );
    const table = await ferry(['which', '--trace', CALLER_TRACE.toUpperCase()]);
    expect(table.stdout).toContain(`trace ${CALLER_TRACE}: deploy ${id} of traced (succeeded)`);
    const unknown = await ferry(['which', '--trace', 'f'.repeat(32)]);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, `ferry: no deployment, restart or rollback recorded trace ${'f'.repeat(32)}`]);
    const malformed = await ferry(['which', '--trace', 'not-a-trace']);
    expect(malformed.code).toBe(2);
  });

  it('records the request and trace ids with the events of requests that start no operation', async () => {
    const trace = '1f'.repeat(16);
    const pkg = await packageHello(fleet.dir, 'traced', 'v9');
    const response = await post('/api/v1/releases', { service: 'traced', version: 'v9', package_url: pkg.package_url, sha256: pkg.sha256 }, {
      traceparent: `00-${trace}-${CALLER_SPAN}-01`,
      'x-request-id': 'req-release-9',
    });
    expect(response.status).toBe(201);
    const { events } = await fleet.api.get(`/api/v1/audit?trace_id=${trace}`);
    expect(events).toEqual([expect.objectContaining({ type: 'release_registered', version: 'v9', request_id: 'req-release-9', correlation_id: 'req-release-9', trace_id: trace })]);
  });

  it('replaces malformed ids and trace contexts instead of echoing them', async () => {
    const long = 'c'.repeat(129);
    const response = await post('/api/v1/deployments', { service: 'traced', version: 'v1', strategy: { type: 'all_at_once' } }, {
      traceparent: `00-${CALLER_TRACE.toUpperCase()}-${CALLER_SPAN}-01`,
      'x-request-id': 'bad id with spaces',
      'x-correlation-id': long,
    });
    expect(response.status).toBe(202);
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-correlation-id')).toBe(requestId);
    const { deploy_id: id } = (await response.json()) as { deploy_id: string };
    await fleet.api.waitForDeployment(id);
    const { root } = await traceOf(id);
    expect(root.traceId).not.toBe(CALLER_TRACE);
    const { events } = await fleet.api.get(`/api/v1/audit?deploy_id=${id}`);
    for (const event of events) expect(event).toMatchObject({ correlation_id: requestId, request_id: requestId, trace_id: root.traceId });

    const tab = await fetch(`${fleet.server.url}/healthz`, { headers: { 'x-correlation-id': 'a\tb' } });
    expect(tab.headers.get('x-correlation-id')).toBe(tab.headers.get('x-request-id'));
    expect(tab.headers.get('x-correlation-id')).not.toContain('a\tb');
  });

  it('ends the root span of a deployment the server was killed in the middle of', async () => {
    const id = await svc.deploy('v2', { strategy: { type: 'rolling', batch_size: 1, min_healthy_time_s: 0 } });
    await pollUntil('one instance on v2, the other in flight', async () => {
      const d = await fleet.api.get(`/api/v1/deployments/${id}`);
      const counts = tally(await svc.versions());
      return d.progress.completed === 1 && counts.v2 === 1 && counts.none === 1 ? true : undefined;
    }, { intervalMs: 20 });
    await fleet.server.kill9();
    await fleet.restartServer();
    const done = await fleet.api.waitForDeployment(id);
    expect(done.status).toBe('succeeded');

    const { root, spans } = await traceOf(id);
    expect(root.startTimeUnixNano).toBe(BigInt(Date.parse(done.started_at)) * 1_000_000n);
    expect(root.endTimeUnixNano).toBeGreaterThan(root.startTimeUnixNano);
    expect(root.statusCode).not.toBe(2);
    // The agent spans sent before the crash name the root span the restarted server emitted.
    const installs = await pollUntil('both installs', async () => {
      const got = receiver.trace(root.traceId).filter((s) => s.name === 'ferry.instance.install');
      return got.length === 2 ? got : undefined;
    }, { timeoutMs: 20_000 });
    for (const install of installs) expect(install.parentSpanId).toBe(root.spanId);
    // Rolling one at a time: two batches, started one after the other, one instance each.
    const batches = spans.filter((s) => s.name === 'ferry.batch').sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    expect(batches.map((b) => [b.parentSpanId, b.attributes['ferry.batch'], b.attributes['ferry.instances']])).toEqual([
      [root.spanId, 1, 1],
      [root.spanId, 2, 1],
    ]);
    expect(spans.filter((s) => s.name === 'ferry.deployment')).toHaveLength(1);
  }, 90_000);

  it('traces a one-click rollback as its own ferry.rollback trace', async () => {
    const response = await post('/api/v1/services/traced/rollback', {}, {});
    expect(response.status).toBe(202);
    const { rollback_id: id } = (await response.json()) as { rollback_id: string };
    expect((await fleet.api.waitForRollback(id)).status).toBe('succeeded');
    const root = await pollUntil('the rollback root span', async () => receiver.spans.find((s) => s.name === 'ferry.rollback' && s.attributes['ferry.rollback_id'] === id), { timeoutMs: 20_000 });
    expect(root.attributes).toMatchObject({ 'ferry.service': 'traced', 'ferry.version': 'v1', 'deployment.id': id, 'cicd.pipeline.result': 'success' });
    expect(root.attributes).not.toHaveProperty('ferry.deploy_id');
    await pollUntil('the rollback agent spans', async () => (receiver.trace(root.traceId).filter((s) => s.name === 'ferry.instance.probe').length === 2 ? true : undefined), { timeoutMs: 20_000 });
    const { events } = await fleet.api.get(`/api/v1/audit?deploy_id=${id}`);
    for (const event of events) expect(event.trace_id).toBe(root.traceId);
  }, 60_000);
});
