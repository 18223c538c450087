/**
 * Assembles the HTTP interface: one fastify instance with OpenAPI, authentication for
 * `/api/v1/*`, correlation ids, the error mapping and every feature's routes.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';
import { registerAgentRoutes } from '../features/agents/agent-routes.js';
import { registerAuditRoutes } from '../features/audit/audit-routes.js';
import { registerDeploymentRoutes } from '../features/deployments/deployment-routes.js';
import { registerInstanceRoutes } from '../features/instances/instance-routes.js';
import { registerProbeRoutes } from '../features/probes/probe-routes.js';
import { registerRebootstrapRoutes } from '../features/rebootstrap/rebootstrap-routes.js';
import { registerReleaseRoutes } from '../features/releases/release-routes.js';
import { registerRollbackRoutes } from '../features/rollbacks/rollback-routes.js';
import { registerServiceRoutes } from '../features/services/service-routes.js';
import { registerSessionRoutes } from '../features/sessions/session-routes.js';
import { handleError, errorBody } from './error-reply.js';
import { authenticate, type Tokens } from './request-identity.js';

const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(ctx: ServerContext, tokens: Tokens): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers[CORRELATION_HEADER];
      return typeof given === 'string' && CORRELATION_PATTERN.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // A path the router cannot decode (`%FF`) or an over-long parameter gets the contract's error body too.
    frameworkErrors: handleError,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Ferry API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = request.id;
    void reply.header(CORRELATION_HEADER, request.id);
    if (request.url.startsWith('/api/v1/')) authenticate(request, tokens);
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerProbeRoutes(app, ctx);
  registerReleaseRoutes(app, ctx);
  registerServiceRoutes(app, ctx);
  registerInstanceRoutes(app, ctx);
  registerDeploymentRoutes(app, ctx);
  registerRollbackRoutes(app, ctx);
  registerRebootstrapRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerSessionRoutes(app, ctx);
  registerAgentRoutes(app, ctx);
  return app;
}
