/** A span as the receiver keeps it: ids as lowercase hex ('' for no parent). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, string | number | boolean>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  serviceName: string;
  receivedAt: number;
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Which encodings arrived: 'protobuf', 'json'. */
  contentTypes: Set<string>;
  trace(traceId: string): ReceivedSpan[];
  close(): Promise<void>;
}

export function startOtlpReceiver(): Promise<OtlpReceiver>;
