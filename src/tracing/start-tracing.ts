/**
 * The one place a process (server or agent) starts the OpenTelemetry trace SDK. With no
 * OTLP endpoint configured it starts nothing and returns null, so callers skip span work
 * entirely instead of feeding a no-op tracer on hot paths. Nothing is registered globally:
 * the tracer is passed to whoever needs it, and a test may run several in one process.
 */
import { trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { AssignableIdGenerator, type AssignedIds } from './assignable-id-generator.js';
import { tracingSettingsOf, type OtlpProtocol } from './tracing-settings.js';
import { WarningExporter, type ExportWarningLog } from './warning-exporter.js';

type Env = Record<string, string | undefined>;

/** Defaults that keep a slow collector cheap; each yields to its standard variable when set. */
const EXPORT_TIMEOUT_MS = 3_000;
const SCHEDULE_DELAY_MS = 1_000;
const MAX_QUEUE_SIZE = 2_048;

export interface TracingLog extends ExportWarningLog {
  info(fields: Record<string, unknown>, message: string): void;
}

/** A started trace SDK: its tracer, the way to emit a span under stored ids, and shutdown. */
export class Tracing {
  constructor(
    readonly tracer: Tracer,
    private readonly ids: AssignableIdGenerator,
    private readonly provider: BasicTracerProvider,
  ) {}

  /** Starts a span whose ids were chosen earlier (an operation's root span). */
  startSpanWithIds(name: string, ids: AssignedIds, options: SpanOptions, parent: Context): Span {
    return this.ids.withIds(ids, () => this.tracer.startSpan(name, options, parent));
  }

  /** Exports what is queued (bounded by the export timeout), then stops. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown().catch(() => undefined);
  }

  async flush(): Promise<void> {
    await this.provider.forceFlush().catch(() => undefined);
  }
}

/**
 * Starts tracing for `defaultServiceName` (`ferry-server`, `ferry-agent`) when the
 * environment names an OTLP endpoint; `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`
 * override the resource, `OTEL_TRACES_SAMPLER` picks the sampler. Reads `process.env`.
 */
export function startTracing(defaultServiceName: string, version: string, log: TracingLog): Tracing | null {
  // The SDK and the exporter read their own variables from process.env, so the decision must too.
  const env: Env = process.env;
  const settings = tracingSettingsOf(env);
  if (!settings.enabled) return null;
  if (settings.warning !== null) log.warn({}, settings.warning);
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: defaultServiceName, [ATTR_SERVICE_VERSION]: version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const ids = new AssignableIdGenerator();
  const processor = new BatchSpanProcessor(new WarningExporter(exporterFor(settings.protocol, env), log), {
    ...(env.OTEL_BSP_SCHEDULE_DELAY ? {} : { scheduledDelayMillis: SCHEDULE_DELAY_MS }),
    ...(env.OTEL_BSP_MAX_QUEUE_SIZE ? {} : { maxQueueSize: MAX_QUEUE_SIZE }),
    ...(env.OTEL_BSP_EXPORT_TIMEOUT ? {} : { exportTimeoutMillis: EXPORT_TIMEOUT_MS }),
  });
  const provider = new BasicTracerProvider({ resource, idGenerator: ids, spanProcessors: [processor] });
  log.info({ protocol: settings.protocol }, 'exporting traces over OTLP');
  return new Tracing(provider.getTracer('ferry', version), ids, provider);
}

function exporterFor(protocol: OtlpProtocol, env: Env): SpanExporter {
  const timeout = env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT || env.OTEL_EXPORTER_OTLP_TIMEOUT ? {} : { timeoutMillis: EXPORT_TIMEOUT_MS };
  return protocol === 'http/json' ? new OtlpJsonExporter(timeout) : new OtlpProtobufExporter(timeout);
}

/** The span context of `traceparent` parts as a parent context for spans started in this process. */
export function remoteParent(traceId: string, spanId: string, flags: string, base: Context): Context {
  return trace.setSpanContext(base, { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 0xff, isRemote: true });
}
