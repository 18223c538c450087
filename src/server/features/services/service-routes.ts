/** Services and hosts (CONTRACT §2 Services, hosts and instances). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { seesSecrets } from '../../../core/access/roles.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { ServiceParams } from '../shared/schemas.js';
import { applyServiceSpec, planServiceSpec } from './apply-service-spec.js';
import { ServiceBody, type ServiceSpec } from './service-body.js';
import { describeHosts, describeService, describeServices } from './service-presenter.js';
import { callerOf } from '../shared/caller.js';

const PutQuery = Type.Object({ dry_run: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) });

export function registerServiceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  /**
   * `?dry_run=true` answers `{dry_run, service, plan, warnings}` and writes nothing, audit
   * included; a real PUT answers the service plus the plan it applied and its warnings.
   */
  app.put(
    '/api/v1/services/:service',
    { config: { access: 'admin' }, schema: { params: ServiceParams, querystring: PutQuery, body: ServiceBody, tags: ['services'] } },
    async (request) => {
      const name = checkedName((request.params as Static<typeof ServiceParams>).service, 'service');
      const spec = request.body as ServiceSpec;
      if ((request.query as Static<typeof PutQuery>).dry_run === 'true') {
        const plan = await planServiceSpec(ctx, name, spec);
        return { dry_run: true, service: name, plan, warnings: plan.warnings };
      }
      const plan = await applyServiceSpec(ctx, name, spec, callerOf(request));
      return { ...(await describeService(ctx, name, { secrets: true })), plan, warnings: plan.warnings };
    },
  );

  app.get('/api/v1/services', { config: { access: 'read' }, schema: { tags: ['services'] } }, async () => describeServices(ctx));

  app.get('/api/v1/services/:service', { config: { access: 'read' }, schema: { params: ServiceParams, tags: ['services'] } }, async (request) => {
    const name = checkedName((request.params as Static<typeof ServiceParams>).service, 'service');
    return describeService(ctx, name, { secrets: request.principal !== null && seesSecrets(request.principal.role) });
  });

  app.get('/api/v1/hosts', { config: { access: 'read' }, schema: { tags: ['hosts'] } }, async () => describeHosts(ctx));
}
