import { ROOT_CONTEXT } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../bench/lib/otlp-receiver.mjs';
import { freePort } from '../local-fleet/free-port.js';
import { pollUntil } from '../local-fleet/poll-until.js';
import { remoteParent, startTracing, type Tracing } from './start-tracing.js';

class ListLog {
  readonly lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  info(fields: Record<string, unknown>, message: string) {
    this.lines.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string) {
    this.lines.push({ level: 'warn', fields, message });
  }
}

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROOT = '00f067aa0ba902b7';
let receiver: OtlpReceiver | undefined;
let tracing: Tracing | null = null;

const OTEL_NAMES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_SERVICE_NAME'];

/** The SDK reads process.env itself; each test sets only what it names (this file runs in its own worker). */
function setEnv(env: Record<string, string>): void {
  for (const name of OTEL_NAMES) delete process.env[name];
  Object.assign(process.env, env);
}

afterEach(async () => {
  setEnv({});
  await tracing?.shutdown();
  await receiver?.close();
  tracing = null;
  receiver = undefined;
});

describe('startTracing', () => {
  it('starts nothing without an endpoint', () => {
    setEnv({});
    expect(startTracing('ferry-server', '0.1.0', new ListLog())).toBeNull();
  });

  it.each(['http/protobuf', 'http/json'])('exports a span under stored ids and its child over %s', async (protocol) => {
    receiver = await startOtlpReceiver();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_RESOURCE_ATTRIBUTES: 'team=release' };
    setEnv(env);
    tracing = startTracing('ferry-server', '0.1.0', new ListLog());
    const child = tracing!.tracer.startSpan('ferry.instance.start', {}, remoteParent(TRACE, ROOT, '01', ROOT_CONTEXT));
    child.end();
    const root = tracing!.startSpanWithIds('ferry.deployment', { traceId: TRACE, spanId: ROOT }, { startTime: 1_700_000_000_000, attributes: { 'ferry.deploy_id': 'dep-1' } }, ROOT_CONTEXT);
    root.end(1_700_000_005_000);
    await tracing!.flush();
    const spans = await pollUntil('both spans', async () => (receiver!.trace(TRACE).length === 2 ? receiver!.trace(TRACE) : undefined), { timeoutMs: 10_000 });
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(byName['ferry.deployment']).toMatchObject({ spanId: ROOT, parentSpanId: '', serviceName: 'ferry-server', attributes: { 'ferry.deploy_id': 'dep-1' } });
    expect(byName['ferry.deployment']!.startTimeUnixNano).toBe(1_700_000_000_000n * 1_000_000n);
    expect(byName['ferry.instance.start']).toMatchObject({ parentSpanId: ROOT });
    expect([...receiver.contentTypes]).toEqual([protocol === 'http/json' ? 'json' : 'protobuf']);
  });

  it('lets OTEL_SERVICE_NAME override the default service name', async () => {
    receiver = await startOtlpReceiver();
    setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'ferry-prod' });
    tracing = startTracing('ferry-server', '0.1.0', new ListLog());
    tracing!.tracer.startSpan('x').end();
    await tracing!.flush();
    const [span] = await pollUntil('a span', async () => (receiver!.spans.length > 0 ? receiver!.spans : undefined), { timeoutMs: 10_000 });
    expect(span!.serviceName).toBe('ferry-prod');
  });

  it('drops spans with a warning when the collector is down, and shuts down anyway', async () => {
    const log = new ListLog();
    const port = await freePort();
    setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    tracing = startTracing('ferry-server', '0.1.0', log);
    for (let i = 0; i < 10; i++) tracing!.tracer.startSpan(`s${i}`).end();
    await tracing!.flush();
    await pollUntil('a warning', async () => log.lines.find((l) => l.level === 'warn'), { timeoutMs: 10_000 });
    expect(log.lines.find((l) => l.level === 'warn')).toMatchObject({ message: 'trace export failed; spans dropped', fields: { dropped_spans: 10 } });
  });
});
