/**
 * Who is calling and under which correlation id. The token decides the role (CONTRACT
 * §2: the admin token may call everything, the agent token only agent routes); the
 * actor shown in audit events is the role, refined by an optional `x-ferry-actor`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.js';

export type Role = 'admin' | 'agent';

export interface Tokens {
  admin: string;
  /** Null when agents use the admin token. */
  agent: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    role: Role;
    actor: string;
    correlationId: string;
  }
}

const AGENT_ROUTE_PREFIX = '/api/v1/agents/';
const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9@._:-]{0,63}$/;

export function authenticate(request: FastifyRequest, tokens: Tokens): void {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw new UnauthenticatedError('unauthenticated', 'send Authorization: Bearer <token>');
  const role = roleOf(match[1], tokens);
  if (role === null) throw new UnauthenticatedError('invalid_token', 'the token is not valid for this server');
  if (role === 'agent' && !request.url.startsWith(AGENT_ROUTE_PREFIX)) {
    throw new ForbiddenError('forbidden', 'the agent token may call only agent routes');
  }
  request.role = role;
  const claimed = request.headers['x-ferry-actor'];
  request.actor = typeof claimed === 'string' && ACTOR_PATTERN.test(claimed) ? `${role}:${claimed}` : role;
}

function roleOf(token: string, tokens: Tokens): Role | null {
  if (sameSecret(token, tokens.admin)) return 'admin';
  if (tokens.agent !== null && sameSecret(token, tokens.agent)) return 'agent';
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
