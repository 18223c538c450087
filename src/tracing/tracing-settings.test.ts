import { describe, expect, it } from 'vitest';
import { tracingSettingsOf } from './tracing-settings.js';

const ENDPOINT = 'http://127.0.0.1:4318';

describe('tracingSettingsOf', () => {
  it.each([
    ['no variables', {}, { enabled: false, reason: 'no_endpoint' }],
    ['a blank endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, { enabled: false, reason: 'no_endpoint' }],
    ['an endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, { enabled: true, protocol: 'http/protobuf', warning: null }],
    ['a traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/v1/traces` }, { enabled: true, protocol: 'http/protobuf', warning: null }],
    ['JSON', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { enabled: true, protocol: 'http/json', warning: null }],
    [
      'a traces protocol over the general one',
      { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
      { enabled: true, protocol: 'http/protobuf', warning: null },
    ],
    ['the SDK disabled', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'TRUE' }, { enabled: false, reason: 'sdk_disabled' }],
  ])('%s', (_name, env, expected) => {
    expect(tracingSettingsOf(env)).toEqual(expected);
  });

  it('falls back to protobuf with a warning for grpc', () => {
    const settings = tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(settings).toMatchObject({ enabled: true, protocol: 'http/protobuf' });
    expect(settings.enabled && settings.warning).toContain('"grpc" is not supported');
  });
});
