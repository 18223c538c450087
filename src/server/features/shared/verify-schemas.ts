/**
 * The shape of a service's `verify` (CONTRACT §2): a single check or a smoke chain, every
 * field bounded. What the shape cannot say (a `{VAR}` no earlier step captures, a capture
 * that is no JSON pointer) is checked by the core at the PUT (src/core/smoke/check-smoke-chains.ts).
 */
import { Type } from '@sinclair/typebox';
import { SMOKE_LIMITS } from '../../../core/smoke/smoke-chain.js';

const Path = Type.String({ pattern: '^/', maxLength: 2048 });
/** The methods the agent's HTTP client (fetch) sends; it refuses TRACE and CONNECT. */
const Method = Type.Union(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => Type.Literal(m)));
const Status = Type.Integer({ minimum: 100, maximum: 599 });
const BodyContains = Type.String({ maxLength: 4096 });
const VariableName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' });
const MAX_TIMEOUT_MS = 600_000;

export const SingleVerifyCheckSchema = Type.Object(
  {
    path: Path,
    method: Type.Optional(Method),
    expect_status: Type.Optional(Status),
    body_contains: Type.Optional(BodyContains),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TIMEOUT_MS })),
  },
  { additionalProperties: false },
);

export const SmokeStepSchema = Type.Object(
  {
    method: Type.Optional(Method),
    /** May use `{VAR}` captured by an earlier step; the value is URL-encoded into the path. */
    path: Path,
    /** A string is sent as is; another JSON value as JSON. `{VAR}` in every string inside it. */
    body: Type.Optional(Type.Unknown()),
    headers: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 4096 }), { maxProperties: 32 })),
    expect_status: Type.Optional(Status),
    body_contains: Type.Optional(BodyContains),
    content_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    min_bytes: Type.Optional(Type.Integer({ minimum: 0, maximum: 8 * 1024 * 1024 })),
    /** Extension: JSON pointer → the scalar the answer must hold there. */
    json: Type.Optional(
      Type.Record(Type.String({ maxLength: 1024 }), Type.Union([Type.String({ maxLength: 4096 }), Type.Number(), Type.Boolean(), Type.Null()]), { maxProperties: 32 }),
    ),
    /** Extension: hex sha256 of the whole answer body. */
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
    /** Extension: repeat the step until its checks pass, for at most `until_ms`. */
    retry: Type.Optional(
      Type.Object(
        { until_ms: Type.Integer({ minimum: 1, maximum: MAX_TIMEOUT_MS }), interval_ms: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000 })) },
        { additionalProperties: false },
      ),
    ),
    /** Variable → `/json/pointer` or `header:Name`. */
    capture: Type.Optional(Type.Record(VariableName, Type.String({ maxLength: 1024 }), { maxProperties: SMOKE_LIMITS.maxCaptures, additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const SmokeChainSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
    steps: Type.Array(SmokeStepSchema, { minItems: 1, maxItems: SMOKE_LIMITS.maxSteps }),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TIMEOUT_MS })),
  },
  { additionalProperties: false },
);

export const VerifyCheckSchema = Type.Union([SingleVerifyCheckSchema, SmokeChainSchema]);
