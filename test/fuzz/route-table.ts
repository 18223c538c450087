/**
 * The routes to fuzz, read from the app's own OpenAPI document (@fastify/swagger builds it
 * from every registered route), so a route added later is fuzzed without editing a list.
 * Routes registered with `hide: true` (only the OpenAPI document itself) are not in it.
 */
import type { FastifyInstance } from 'fastify';

/** A JSON Schema fragment as @fastify/swagger renders it. */
export type JsonSchema = Record<string, unknown>;

export interface FuzzRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** OpenAPI form, e.g. `/api/v1/services/{service}`. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema }>;
  /** The JSON request body's schema; undefined when the route declares none. */
  body: JsonSchema | undefined;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

interface OpenApiParameter {
  in: string;
  name: string;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export async function routesOf(app: FastifyInstance): Promise<FuzzRoute[]> {
  await app.ready();
  const paths = (app.swagger() as { paths?: Record<string, Partial<Record<(typeof METHODS)[number], OpenApiOperation>>> }).paths ?? {};
  const routes: FuzzRoute[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = operations[method];
      if (operation === undefined) continue;
      const parameters = operation.parameters ?? [];
      routes.push({
        method: method.toUpperCase() as FuzzRoute['method'],
        path,
        // Path parameters come from the path itself: a route without a params schema lists none.
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return routes;
}
