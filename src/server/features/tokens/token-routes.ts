/** Named tokens (CONTRACT §9): create (the secret shown once), list (never secrets), revoke. Admin only. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiToken } from '../../../core/types.js';
import { iso } from '../../../core/iso-time.js';
import type { ServerContext } from '../../server-context.js';
import type { TokenAuthenticator } from './token-authenticator.js';
import { hasExpired } from './token-authenticator.js';
import { createToken, revokeToken } from './token-service.js';
import { callerOf } from '../shared/caller.js';

const TokenBody = Type.Object(
  {
    name: Type.String({ maxLength: 64 }),
    role: Type.String({ maxLength: 32 }),
    host_id: Type.Optional(Type.Union([Type.String({ maxLength: 63 }), Type.Null()])),
    expires_at: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const TokenParams = Type.Object({ token_id: Type.String({ maxLength: 64 }) });

export function presentToken(token: ApiToken, now: number) {
  const status = token.revoked_at !== null ? 'revoked' : hasExpired(token, now) ? 'expired' : 'active';
  return {
    token_id: token.token_id,
    name: token.name,
    role: token.role,
    host_id: token.host_id,
    created_at: iso(token.created_at),
    created_by: token.created_by,
    expires_at: iso(token.expires_at),
    revoked_at: iso(token.revoked_at),
    status,
  };
}

export function registerTokenRoutes(app: FastifyInstance, ctx: ServerContext, authenticator: TokenAuthenticator): void {
  app.post('/api/v1/tokens', { config: { access: 'admin' }, schema: { body: TokenBody, tags: ['tokens'] } }, async (request, reply) => {
    const created = await createToken(ctx, request.body as Static<typeof TokenBody>, callerOf(request));
    void reply.header('cache-control', 'no-store');
    return reply.status(201).send({ ...presentToken(created.token, ctx.now()), token: created.secret });
  });

  app.get('/api/v1/tokens', { config: { access: 'admin' }, schema: { tags: ['tokens'] } }, async () => {
    const now = ctx.now();
    return { tokens: (await ctx.store.listTokens()).map((t) => presentToken(t, now)) };
  });

  app.delete('/api/v1/tokens/:token_id', { config: { access: 'admin' }, schema: { params: TokenParams, tags: ['tokens'] } }, async (request) => {
    const revoked = await revokeToken(ctx, (request.params as Static<typeof TokenParams>).token_id, callerOf(request));
    authenticator.forget(revoked.secret_sha256);
    return presentToken(revoked, ctx.now());
  });
}
