/**
 * The body of POST /api/v1/deployments, validated by fastify against this schema before
 * any feature code runs. Its own module, so create-deployment.ts and the route both
 * import it and neither imports the other.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StrategySchema } from '../shared/schemas.js';

export const DeploymentBody = Type.Object(
  {
    service: Type.String(),
    version: Type.String(),
    instances: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10_000 })),
    package_url: Type.Optional(Type.String()),
    sha256: Type.Optional(Type.String()),
    deploy_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' })),
    timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
    retry_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    strategy: Type.Optional(StrategySchema),
    /** Passes a freeze window (CONTRACT §4); the reason is audited as `freeze_overridden`. */
    override_freeze: Type.Optional(Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false })),
    /** true: answer the batches it would run (200) and change nothing. */
    dry_run: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export type DeploymentRequest = Static<typeof DeploymentBody>;
