/**
 * The service spec's traffic parts (CONTRACT §5) as JSON Schema (TypeBox): fastify refuses
 * a malformed one with 400 before feature code runs. What a schema cannot say (which
 * placeholders a template uses) is checked by core/traffic/traffic-templates.ts at PUT.
 */
import { Type } from '@sinclair/typebox';
import { HAPROXY_ANALYSIS_METRICS } from '../../../core/analysis/analysis-spec.js';

const Argv = Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { minItems: 1, maxItems: 64 });
const Path = Type.String({ minLength: 1, maxLength: 4096, pattern: '^[^\\u0000]+$' });

export const TrafficSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('haproxy'),
      /** A unix socket path, or `tcp:HOST:PORT`. */
      socket: Type.String({ minLength: 1, maxLength: 4096, pattern: '^(/|tcp:)' }),
      backend: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' }),
      server_name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('nginx'),
      upstream_file: Path,
      upstream: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._-]+$' }),
      reload: Argv,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('command'),
      command: Argv,
      timeout_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 600 })),
    },
    { additionalProperties: false },
  ),
]);

/** `"< 0.01"`, `">= 0.995"`: an operator and a number. */
const Condition = Type.String({ pattern: '^\\s*(<|<=|>|>=|==|!=)\\s*-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$', maxLength: 64 });

export const AnalysisQuerySchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }),
    /** PromQL for `prometheus`; one of HAPROXY_ANALYSIS_METRICS for `haproxy`. */
    query: Type.String({ minLength: 1, maxLength: 8192 }),
    success: Condition,
    failure: Type.Optional(Condition),
    kind: Type.Optional(Type.Union([Type.Literal('threshold'), Type.Literal('compare')])),
    confidence: Type.Optional(Type.Number({ exclusiveMinimum: 0.5, exclusiveMaximum: 1 })),
    range_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    step_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600 })),
  },
  { additionalProperties: false },
);

export const AnalysisSchema = Type.Object(
  {
    provider: Type.Union([Type.Literal('prometheus'), Type.Literal('haproxy')]),
    address: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://[^\\s\\u0000-\\u001f\\u007f]+$' })),
    queries: Type.Array(AnalysisQuerySchema, { minItems: 1, maxItems: 20 }),
    interval_s: Type.Optional(Type.Number({ minimum: 1, maximum: 3_600 })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
    failure_limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000 })),
    consecutive_failures: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
    inconclusive_limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000 })),
    min_samples: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    dry_run: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RollbackTriggersSchema = Type.Object(
  {
    watch_minutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_080 })),
    critical_alert_minutes: Type.Optional(Type.Number({ minimum: 0, maximum: 1_440 })),
    min_success_rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    max_error_rate_increase: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** PromQL with `{service}` and `{version}`; placeholders are checked at PUT (core/rollback-triggers). */
    success_rate_query: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
    error_rate_query: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
  },
  { additionalProperties: false },
);
