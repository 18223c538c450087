/**
 * An OTLP/HTTP trace receiver on 127.0.0.1 for tests and benchmarks: accepts
 * `POST /v1/traces` as protobuf (decoded with the exporter's own generated schema) or JSON,
 * and keeps every span flattened with the time it arrived. Not shipped: bench/ is not in dist.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { opentelemetry } = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const ExportTraceServiceRequest = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const MAX_BODY = 16 * 1024 * 1024;

/** @returns {Promise<import('./otlp-receiver.d.mts').OtlpReceiver>} */
export async function startOtlpReceiver() {
  const spans = [];
  const contentTypes = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const type = String(req.headers['content-type'] ?? '');
      try {
        if (req.method !== 'POST' || req.url !== '/v1/traces') throw new Error(`unexpected ${req.method} ${req.url}`);
        const body = Buffer.concat(chunks);
        const request = type.includes('json') ? JSON.parse(body.toString('utf8')) : ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), { longs: String, bytes: Buffer });
        contentTypes.add(type.includes('json') ? 'json' : 'protobuf');
        spans.push(...flatten(request, Date.now()));
        res.writeHead(200, { 'content-type': type.includes('json') ? 'application/json' : 'application/x-protobuf' }).end(type.includes('json') ? '{}' : '');
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    trace: (traceId) => spans.filter((s) => s.traceId === traceId),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function flatten(request, receivedAt) {
  const out = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        out.push({
          traceId: idOf(span.traceId),
          spanId: idOf(span.spanId),
          parentSpanId: idOf(span.parentSpanId),
          name: span.name,
          startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
          endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
          attributes: attributesOf(span.attributes),
          statusCode: span.status?.code ?? 0,
          serviceName: String(resource['service.name'] ?? ''),
          receivedAt,
        });
      }
    }
  }
  return out;
}

/** Protobuf ids arrive as bytes, JSON ids as hex strings; an absent parent is ''. */
function idOf(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.toLowerCase();
  return Buffer.from(value).toString('hex');
}

function attributesOf(list) {
  const out = {};
  for (const { key, value } of list ?? []) {
    if (value === undefined || value === null) continue;
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    out[key] = typeof v === 'string' && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}
