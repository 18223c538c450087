/**
 * Who is calling, and whether they may: decided once per request, in `onRequest`, from the
 * permission in the config of the route the router matched (core/access). The URL's text
 * is never consulted, so percent-encoding, absolute-form targets, `//` or `..` cannot
 * change the decision: whatever route the router picked is the route whose rule applies.
 *
 * The actor shown in audit events is the token's name, refined by an optional
 * `x-ferry-actor` header (`ci:alice`), which can add detail but never replace the name.
 */
import type { FastifyRequest } from 'fastify';
import { decideAccess, type Principal } from '../../core/access/decide-access.js';
import type { Permission } from '../../core/access/roles.js';
import type { TraceContext } from '../../core/correlation/trace-context.js';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.js';
import type { TokenAuthenticator } from '../features/tokens/token-authenticator.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (core/access/roles.ts); every route must say. */
    access?: Permission;
  }
  interface FastifyRequest {
    /** Null only on public routes called without a token. */
    principal: Principal | null;
    actor: string;
    /** The caller's valid X-Correlation-Id, else the request id (`request.id`). */
    correlationId: string;
    /**
     * The context work started by this request parents under: the HTTP server span when
     * tracing is on, else the caller's valid `traceparent`; null when neither exists.
     */
    traceContext: TraceContext | null;
  }
}

const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9@._:-]{0,63}$/;
const BEARER_PATTERN = /^Bearer\s+(\S{1,512})$/i;

/** Throws the contract's 401 or 403 unless the matched route's permission allows the caller. */
export async function authorizeRequest(request: FastifyRequest, authenticator: TokenAuthenticator): Promise<void> {
  const permission = request.routeOptions.config.access ?? 'admin';
  request.principal = null;
  request.actor = 'anonymous';
  if (permission === 'public') return;
  const secret = BEARER_PATTERN.exec(request.headers.authorization ?? '')?.[1];
  const auth = secret === undefined ? null : await authenticator.authenticate(secret);
  const principal = auth?.ok ? auth.principal : null;
  const tokenProblem = auth === null ? 'missing' : auth.ok ? undefined : auth.problem;
  const host = (request.params as { host?: unknown } | undefined)?.host;
  const decision = decideAccess({ permission, principal, ...(tokenProblem ? { tokenProblem } : {}), host: typeof host === 'string' ? host : undefined });
  if (!decision.ok) {
    const Failure = decision.kind === 'unauthenticated' ? UnauthenticatedError : ForbiddenError;
    throw new Failure(decision.code, decision.message, decision.details);
  }
  request.principal = principal;
  const claimed = request.headers['x-ferry-actor'];
  request.actor = principal === null ? 'anonymous' : typeof claimed === 'string' && ACTOR_PATTERN.test(claimed) ? `${principal.name}:${claimed}` : principal.name;
}

