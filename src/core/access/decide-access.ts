/**
 * The access decision for one request, as data: from the permission of the route the
 * router matched, the caller the token names (or none), and the route's decoded host
 * parameter. It never looks at the URL's text, so no spelling of a path changes it.
 *
 *   read,  viewer                          -> allowed
 *   deploy, viewer                         -> forbidden, needs deployer or admin
 *   agent, agent bound to h1, host h1      -> allowed
 *   agent, agent bound to h1, host h2      -> forbidden, bound to another host
 *   agent, shared agent token (no binding) -> allowed for any host
 *   anything but public, no caller         -> unauthenticated
 */
import { ROLES_WITH, type Permission, type Role } from './roles.js';

/** The identity a valid token stands for. */
export interface Principal {
  /** The token's name; it is the audit's actor. */
  name: string;
  role: Role;
  /** The one host an agent token may act for; null when not bound (the shared agent token, other roles). */
  host_id: string | null;
}

export type AccessDecision =
  | { ok: true }
  | { ok: false; kind: 'unauthenticated' | 'forbidden'; code: string; message: string; details: Record<string, unknown> };

export interface AccessRequest {
  permission: Permission;
  /** Null when no valid token was presented; `tokenProblem` then says why. */
  principal: Principal | null;
  tokenProblem?: 'missing' | 'invalid' | 'expired';
  /** The matched route's `host` parameter, already decoded by the router. */
  host?: string | undefined;
}

export function decideAccess(req: AccessRequest): AccessDecision {
  if (req.permission === 'public') return { ok: true };
  const principal = req.principal;
  if (principal === null) return unauthenticated(req.tokenProblem ?? 'missing');
  const allowed = ROLES_WITH[req.permission];
  if (!allowed.includes(principal.role)) {
    const needed = allowed.filter((r) => r !== 'admin');
    const phrase = needed.length > 0 ? `the ${needed.join(' or ')} role (or admin)` : 'the admin role';
    return forbidden(`this route needs ${phrase}; the token "${principal.name}" has the ${principal.role} role`, { required_roles: allowed, role: principal.role });
  }
  if (req.permission === 'agent' && principal.role === 'agent' && principal.host_id !== null && principal.host_id !== req.host) {
    return forbidden(`the token "${principal.name}" is bound to host "${principal.host_id}" and may act only for it`, {
      required_roles: allowed,
      role: principal.role,
      bound_host: principal.host_id,
    });
  }
  return { ok: true };
}

function unauthenticated(problem: 'missing' | 'invalid' | 'expired'): AccessDecision {
  switch (problem) {
    case 'missing':
      return { ok: false, kind: 'unauthenticated', code: 'unauthenticated', message: 'send Authorization: Bearer <token>', details: {} };
    case 'invalid':
      return { ok: false, kind: 'unauthenticated', code: 'invalid_token', message: 'the token is not valid for this server', details: {} };
    case 'expired':
      return { ok: false, kind: 'unauthenticated', code: 'token_expired', message: 'the token has expired; create a new one', details: {} };
  }
}

function forbidden(message: string, details: Record<string, unknown>): AccessDecision {
  return { ok: false, kind: 'forbidden', code: 'forbidden', message, details };
}
