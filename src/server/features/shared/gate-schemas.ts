/**
 * The service spec's release-gate parts (CONTRACT §4) as JSON Schema (TypeBox): fastify
 * refuses a malformed one with 400 before any feature code runs, and OpenAPI shows them.
 */
import { Type } from '@sinclair/typebox';
import { BUILTIN_CHECKS } from '../../../core/readiness/evidence.js';

/** One of the eight built-in checks, or a team's own `x-` check. */
export const CheckName = Type.String({ pattern: `^(${BUILTIN_CHECKS.join('|')}|x-[a-z0-9-]{1,40})$` });

export const ReadinessSchema = Type.Object(
  {
    required: Type.Optional(Type.Array(CheckName, { maxItems: 64, uniqueItems: true })),
    max_age_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000 })),
    enforce: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ReplayRequestSchema = Type.Object(
  {
    method: Type.String({ pattern: '^[A-Z]{1,16}$' }),
    path: Type.String({ pattern: '^/', maxLength: 4096 }),
    headers: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 8192 }))),
    body: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const ReplaySchema = Type.Object(
  {
    /** A JSONL file the server reads, or the requests inline. */
    requests: Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Array(ReplayRequestSchema, { minItems: 1, maxItems: 10_000 })]),
    compare: Type.Optional(Type.Array(Type.String({ pattern: '^(status|body|headers:[A-Za-z0-9-]{1,128})$' }), { minItems: 1, maxItems: 32, uniqueItems: true })),
    ignore: Type.Optional(Type.Array(Type.String({ pattern: '^(/.*)?$', maxLength: 1024 }), { maxItems: 256 })),
    max_diff_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  },
  { additionalProperties: false },
);

const Soak = { min_soak_minutes: Type.Optional(Type.Number({ minimum: 0, maximum: 43_200 })) };

export const ChannelSchema = Type.Union([
  Type.Object({ instances: Type.Integer({ minimum: 1, maximum: 10_000 }), ...Soak }, { additionalProperties: false }),
  Type.Object({ percent: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), ...Soak }, { additionalProperties: false }),
]);
