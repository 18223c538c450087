/** Request-body pieces several routes share, as JSON Schema (TypeBox) for validation and OpenAPI. */
import { Type } from '@sinclair/typebox';
import { DOTTED_FIELD_PATTERN } from '../../../core/version-check.js';

const Deadlines = {
  min_healthy_time_s: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
  healthy_deadline_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
  progress_deadline_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 604_800 })),
  auto_rollback: Type.Optional(Type.Boolean()),
};

export const StrategySchema = Type.Union([
  Type.Object({ type: Type.Literal('all_at_once'), ...Deadlines }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('rolling'),
      batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
      batch_percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
      ...Deadlines,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('canary'),
      steps: Type.Optional(
        Type.Array(
          Type.Object(
            {
              instances: Type.Optional(Type.Integer({ minimum: 1 })),
              percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
              /** Percent of traffic to the new version through the service's traffic adapter (CONTRACT §5). */
              weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
              pause: Type.Optional(Type.Literal('until_promoted')),
              pause_s: Type.Optional(Type.Number({ minimum: 0 })),
            },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 20 },
        ),
      ),
      batch_size: Type.Optional(Type.Integer({ minimum: 1 })),
      ...Deadlines,
    },
    { additionalProperties: false },
  ),
]);

/** CONTRACT §2 `version_check`; an unknown `type`, a `command` that is no argv array or a `field` that is no dotted path is a 400. */
export const VersionCheckSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('http'),
      path: Type.String({ pattern: '^/', maxLength: 2048 }),
      field: Type.Optional(Type.String({ pattern: DOTTED_FIELD_PATTERN, maxLength: 256 })),
      header: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', maxLength: 256 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('process') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('command'),
      command: Type.Array(Type.String({ minLength: 1, maxLength: 4096, pattern: '^[^\\u0000]+$' }), { minItems: 1, maxItems: 64 }),
      timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
    },
    { additionalProperties: false },
  ),
]);

export const ServiceParams = Type.Object({ service: Type.String() });
export const IdParams = Type.Object({ id: Type.String({ maxLength: 200 }) });
