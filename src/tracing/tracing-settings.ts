/**
 * Whether this process exports traces, decided from the standard OpenTelemetry variables
 * alone. Everything else (headers, resource, sampler, batch sizes, timeouts) the SDK and
 * the OTLP exporter read from the same environment themselves.
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type TracingSettings =
  | { enabled: false; reason: 'no_endpoint' | 'sdk_disabled' }
  | { enabled: true; protocol: OtlpProtocol; warning: string | null };

type Env = Record<string, string | undefined>;

/**
 * Tracing is on when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`
 * is set (and `OTEL_SDK_DISABLED` is not `true`). The protocol is the traces-specific one,
 * else the general one, else `http/protobuf`; `grpc` is not supported and falls back to
 * `http/protobuf` with a warning, so a misconfiguration costs a log line, not the traces.
 *
 *   {}                                                      → off (no_endpoint)
 *   { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }        → on, http/protobuf
 *   { …, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }  → on, http/json
 */
export function tracingSettingsOf(env: Env): TracingSettings {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { enabled: false, reason: 'sdk_disabled' };
  const endpoint = (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim() || (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim();
  if (endpoint === '') return { enabled: false, reason: 'no_endpoint' };
  const asked = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? '').trim() || (env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim() || 'http/protobuf';
  if (asked === 'http/protobuf' || asked === 'http/json') return { enabled: true, protocol: asked, warning: null };
  return { enabled: true, protocol: 'http/protobuf', warning: `OTLP protocol ${JSON.stringify(asked.slice(0, 40))} is not supported; exporting traces over http/protobuf` };
}
