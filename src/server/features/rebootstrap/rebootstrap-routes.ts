/**
 * Restart versus rollout (seed 000 R2): one endpoint, an explicit mode, so "restart"
 * can never be mistaken for an upgrade. A restart is a deployment of each instance's
 * own version; a rollout is an ordinary deployment, so it meets the release gates (422
 * `frozen` while a window covers the service, passed by `override_freeze: {reason}` and
 * audited `freeze_overridden`; 422 `not_admitted` when readiness is enforced). A restart
 * changes no version and is never frozen nor held.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../../core/errors.js';
import { checkServiceName, checkVersion } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { createDeployment } from '../deployments/create-deployment.js';
import { createRestart } from './create-restart.js';
import { callerOf } from '../shared/caller.js';

const RebootstrapBody = Type.Object(
  {
    service: Type.String(),
    mode: Type.Optional(Type.String()),
    instances: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10_000 })),
    target_version: Type.Optional(Type.String()),
    /** mode rollout only: passes a freeze window, audited `freeze_overridden` (as POST /deployments). */
    override_freeze: Type.Optional(Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export function registerRebootstrapRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/vm/rebootstrap', { config: { access: 'deploy' }, schema: { body: RebootstrapBody, tags: ['deployments'] } }, async (request, reply) => {
    const body = request.body as Static<typeof RebootstrapBody>;
    const caller = callerOf(request);
    if (body.mode !== 'restart' && body.mode !== 'rollout') {
      throw new InputError('mode_required', 'mode is required and must be "restart" (same version, new processes) or "rollout" (deploy target_version)');
    }
    const serviceCheck = checkServiceName(body.service);
    if (!serviceCheck.ok) throw new InputError(serviceCheck.reason, serviceCheck.message);
    if (body.mode === 'rollout') {
      if (body.target_version === undefined) throw new InputError('target_version_required', 'mode rollout needs target_version');
      const op = await createDeployment(
        ctx,
        { service: body.service, version: body.target_version, ...(body.instances ? { instances: body.instances } : {}), ...(body.override_freeze ? { override_freeze: body.override_freeze } : {}) },
        caller,
        ['deploy_started', 'rollout'],
      );
      return reply.status(202).send({ operation_id: op.id, mode: 'rollout', service: op.service, target_version: op.version, deploy_id: op.id });
    }
    if (body.target_version !== undefined) {
      const versionCheck = checkVersion(body.target_version);
      if (!versionCheck.ok) throw new InputError(versionCheck.reason, versionCheck.message);
    }
    const { operation, targets } = await createRestart(ctx, { service: body.service, instanceIds: body.instances, expectedVersion: body.target_version }, caller);
    const versions = [...new Set(targets.map((t) => t.to_version))];
    return reply.status(202).send({ operation_id: operation.id, mode: 'restart', service: operation.service, target_version: versions.length === 1 ? versions[0] : null, deploy_id: operation.id });
  });
}
