/**
 * The body of PUT /api/v1/services/:name: a service's whole declaration, validated by
 * fastify against this schema before any feature code runs. Its own module, so the
 * feature that applies a spec and the route that receives it both import it and
 * neither imports the other.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StrategySchema, VerifyCheckSchema } from '../shared/schemas.js';

export const ServiceBody = Type.Object(
  {
    start: Type.String({ minLength: 1, maxLength: 4096 }),
    health_path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048 })),
    version_path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048 })),
    env: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ maxLength: 65_536 }))),
    instances: Type.Array(
      Type.Object({ host: Type.String(), port: Type.Integer({ minimum: 1, maximum: 65_535 }) }, { additionalProperties: false }),
      { maxItems: 10_000 },
    ),
    verify: Type.Optional(Type.Array(VerifyCheckSchema, { maxItems: 50 })),
    strategy: Type.Optional(Type.Union([StrategySchema, Type.Null()])),
    drift_policy: Type.Optional(Type.Union([Type.Literal('rebuild'), Type.Literal('quarantine'), Type.Literal('mark_unhealthy')])),
    keep_releases: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    drain_s: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
export type ServiceSpec = Static<typeof ServiceBody>;
