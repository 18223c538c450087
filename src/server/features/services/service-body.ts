/**
 * The body of PUT /api/v1/services/:name: a service's whole declaration, validated by
 * fastify against this schema before any feature code runs. Its own module, so the
 * feature that applies a spec and the route that receives it both import it and
 * neither imports the other.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ALERT_NAMES } from '../../../core/alerts/alert-types.js';
import { ChannelSchema, ReadinessSchema, ReplaySchema } from '../shared/gate-schemas.js';
import { AnalysisSchema, RollbackTriggersSchema, TrafficSchema } from '../shared/traffic-schemas.js';
import { StrategySchema, VersionCheckSchema } from '../shared/schemas.js';
import { VerifyCheckSchema } from '../shared/verify-schemas.js';

/** An http(s) URL without spaces or control characters, bounded in length. */
const RunbookUrl = Type.String({ maxLength: 2048, pattern: '^https?://[^\\s\\u0000-\\u001f\\u007f]+$' });

export const ServiceBody = Type.Object(
  {
    start: Type.String({ minLength: 1, maxLength: 4096 }),
    health_path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048 })),
    version_path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048 })),
    /** How agents prove the running version (CONTRACT §2); absent or null = http on version_path. */
    version_check: Type.Optional(Type.Union([VersionCheckSchema, Type.Null()])),
    env: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ maxLength: 65_536 }))),
    instances: Type.Array(
      Type.Object({ host: Type.String(), port: Type.Integer({ minimum: 1, maximum: 65_535 }) }, { additionalProperties: false }),
      { maxItems: 10_000 },
    ),
    /** Post-deploy checks: single requests and smoke chains (CONTRACT §2 `verify`). */
    verify: Type.Optional(Type.Array(VerifyCheckSchema, { maxItems: 50 })),
    strategy: Type.Optional(Type.Union([StrategySchema, Type.Null()])),
    drift_policy: Type.Optional(Type.Union([Type.Literal('rebuild'), Type.Literal('quarantine'), Type.Literal('mark_unhealthy')])),
    keep_releases: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    drain_s: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
    /** Who is paged for this service's alerts (else FERRY_DEFAULT_ONCALL): a name, a rotation, an address. */
    oncall: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }), Type.Null()])),
    /** Alert name (one of the nine) → runbook URL, instead of FERRY_RUNBOOK_BASE_URL + '/' + name. */
    runbooks: Type.Optional(Type.Object(Object.fromEntries(ALERT_NAMES.map((name) => [name, Type.Optional(RunbookUrl)])), { additionalProperties: false })),
    /** Release gates (CONTRACT §4): which checks admit a release, how old evidence may be, whether to enforce. */
    readiness: Type.Optional(Type.Union([ReadinessSchema, Type.Null()])),
    /** Staging replay: recorded requests replayed against a candidate and two desired-version instances. */
    replay: Type.Optional(Type.Union([ReplaySchema, Type.Null()])),
    replay_after_rollback: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    /** Channels besides `stable`, by name (`canary` among them): which instances each takes. */
    channels: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }), ChannelSchema, { maxProperties: 16 })),
    /** The load balancer in front of the instances (CONTRACT §5): drain before a change, ready after, canary weights. */
    traffic: Type.Optional(Type.Union([TrafficSchema, Type.Null()])),
    /** Metric analysis during canary pauses and after batches. */
    analysis: Type.Optional(Type.Union([AnalysisSchema, Type.Null()])),
    /** Automatic rollback when a release hurts after it finished. */
    rollback_triggers: Type.Optional(Type.Union([RollbackTriggersSchema, Type.Null()])),
    /** With traffic: the most instances a rollback changes at once, in percent (default 50). */
    rollback_batch_percent: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ServiceSpec = Static<typeof ServiceBody>;
