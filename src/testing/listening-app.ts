/**
 * Test support (not built): the real fastify app over a (fake) server context, listening
 * on a free loopback port, for tests that call it over HTTP as a client or the CLI would.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/http/build-app.js';
import type { ServerContext } from '../server/server-context.js';

export async function listeningApp(ctx: ServerContext, tokens: Parameters<typeof buildApp>[1]): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp(ctx, tokens);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}
