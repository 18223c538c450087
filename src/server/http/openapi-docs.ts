/**
 * The OpenAPI 3.1 document (`GET /api/v1/openapi.json`), derived from the routes
 * themselves: each route's request schemas as declared, its responses from
 * route-responses.ts, its security from its `config.access` (public routes need no
 * token, every other one a bearer token), and every error answered with the one
 * `ErrorBody` component (CONTRACT §2).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Permission } from '../../core/access/roles.js';
import { ROUTE_RESPONSES } from './route-responses.js';

export const ERROR_BODY_ID = 'ErrorBody';

/** `{"error": {"code", "message", "details"}}`, as every error of the API. */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ pattern: '^[a-z0-9_]+$', description: 'snake_case, stable: scripts branch on it' }),
      message: Type.String({ description: 'a sentence for a person' }),
      details: Type.Object({}, { additionalProperties: true }),
    }),
  },
  { $id: ERROR_BODY_ID, description: 'an error', additionalProperties: false },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'malformed input',
  401: 'no token, or a token that is not valid',
  403: 'not allowed for this token',
  404: 'unknown thing',
  409: 'conflicts with existing state',
  422: 'well-formed but not allowed now',
  500: 'unexpected error (a bug; see the server log)',
  503: 'temporarily unable; retry after Retry-After seconds',
};

/** The @fastify/swagger options: OpenAPI 3.1, the bearer scheme, shared schemas named by their $id. */
export function swaggerOptions() {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Ferry API', version: '1', description: 'Ferry, a release control plane: releases, services, deployments, rollbacks, sessions, tokens. Every error answers an ErrorBody.' },
      components: { securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json: { $id?: unknown }, _baseUri: unknown, _fragment: unknown, i: number) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  };
}

export function addSharedSchemas(app: FastifyInstance): void {
  app.addSchema(ErrorBodySchema);
}

/** Completes a route's schema as it is registered: responses, error statuses and security. */
export function documentRoute(route: RouteOptions, access: Permission): void {
  const method = [route.method].flat()[0] ?? '';
  if (method === 'HEAD') return;
  const key = `${method} ${route.url}`;
  // A route missing from the table still works; the OpenAPI test names it.
  const documented = ROUTE_RESPONSES[key];
  const errors = new Set([400, ...(access === 'public' ? [] : [401, 403]), ...(documented?.errors ?? []), 500]);
  const response: Record<string, unknown> = { ...(documented?.success ?? { 200: Type.Object({}, { additionalProperties: true, description: 'undocumented' }) }) };
  Object.assign(response, (route.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {});
  for (const status of errors) response[status] ??= { $ref: `${ERROR_BODY_ID}#`, description: ERROR_DESCRIPTIONS[status] ?? 'error' };
  route.schema = { ...(route.schema ?? {}), response, security: access === 'public' ? [] : [{ bearer: [] }] } as RouteOptions['schema'];
}
