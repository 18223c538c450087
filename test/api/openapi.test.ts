/**
 * The OpenAPI document is one that tools accept: valid OpenAPI 3.1 by a maintained
 * validator, every route of the route table in it with a 2xx schema and its errors as
 * the contract's error body, and security as each route's access rule says.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../src/testing/fake-server-context.js';
import { buildApp } from '../../src/server/http/build-app.js';
import { ROUTE_RESPONSES } from '../../src/server/http/route-responses.js';

let fake: FakeServerContext;
let app: FastifyInstance;
let spec: any;

beforeAll(async () => {
  fake = await openFakeServerContext({ now: Date.now });
  app = await buildApp(fake.ctx, { admin: 'admin-secret', agent: null });
  await app.ready();
  // Without a token: the document itself is public.
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  spec = res.json();
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

/** `/api/v1/deployments/:id` → `/api/v1/deployments/{id}`, as OpenAPI writes paths. */
function openapiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}

const routes = () => app.routeAccess.filter((r) => r.method !== 'HEAD');

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(spec.openapi).toBe('3.1.0');
    const result = await new Validator().validate(spec);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route of the route table, each in route-responses.ts', () => {
    expect(routes().map((r) => `${r.method} ${r.url}`).filter((key) => ROUTE_RESPONSES[key] === undefined)).toEqual([]);
    for (const route of routes()) {
      const operation = spec.paths[openapiPath(route.url)]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url}`).toBeDefined();
      const statuses = Object.keys(operation.responses);
      const success = statuses.filter((s) => s.startsWith('2'));
      expect(success.length, `${route.method} ${route.url} has a 2xx`).toBeGreaterThan(0);
      for (const status of success) expect(operation.responses[status].content, `${route.method} ${route.url} ${status}`).toBeDefined();
      const clientErrors = statuses.filter((s) => s.startsWith('4'));
      expect(clientErrors.length).toBeGreaterThan(0);
      for (const status of clientErrors) {
        expect(operation.responses[status].content['application/json'].schema, `${route.method} ${route.url} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      }
    }
  });

  it('declares every path parameter and every request body a route validates', () => {
    for (const [path, operations] of Object.entries<any>(spec.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const declared = (operation.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
        expect(declared, `${method} ${path}`).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      }
    }
    expect(spec.paths['/api/v1/instances/{id}/logs'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['lines', 'after', 'id']));
  });

  it('shares one error body component', () => {
    expect(spec.components.schemas.ErrorBody.properties.error.required).toEqual(['code', 'message', 'details']);
  });

  it('derives security from each route: public ones need no token, the others a bearer token', () => {
    for (const route of routes()) {
      const operation = spec.paths[openapiPath(route.url)][route.method.toLowerCase()];
      expect(operation.security, `${route.method} ${route.url}`).toEqual(route.access === 'public' ? [] : [{ bearer: [] }]);
      expect(Object.keys(operation.responses).includes('401'), `${route.method} ${route.url}`).toBe(route.access !== 'public');
    }
    expect(routes().filter((r) => r.access === 'public').map((r) => r.url).sort()).toEqual(['/api/v1/openapi.json', '/healthz', '/metrics', '/version']);
  });

  it('declares the route-specific errors, e.g. 409 service_locked and 503 for deployments (200: the dry run)', () => {
    expect(Object.keys(spec.paths['/api/v1/deployments'].post.responses).sort()).toEqual(['200', '202', '400', '401', '403', '404', '409', '422', '500', '503']);
    expect(spec.paths['/api/v1/deployments'].post.requestBody.content['application/json'].schema.properties.strategy).toBeDefined();
  });
});
