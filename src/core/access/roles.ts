/**
 * Who may do what (CONTRACT §9). A token has one role; a route needs one permission.
 * The table below is the whole policy: every route names the permission it needs in its
 * own registration, and `decideAccess` is the only place a role meets a permission.
 */

/** The roles a token can have. `admin` may do everything; `agent` only its own host's agent routes. */
export const ROLES = ['viewer', 'sessions', 'deployer', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs:
 *   public   — no token at all (probes, metrics)
 *   read     — any GET of state that holds no secret (every role but agent)
 *   sessions — create and end client sessions
 *   deploy   — deployments, rollbacks, restarts and their controls
 *   admin    — services, releases, tokens, freeze windows: what changes the fleet's definition
 *   agent    — `/api/v1/agents/{host}/…`, for the agent of that host
 */
export const PERMISSIONS = ['public', 'read', 'sessions', 'deploy', 'admin', 'agent'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The roles that hold each permission; admin holds all of them (CONTRACT §2: the admin token may call every route). */
export const ROLES_WITH: Record<Exclude<Permission, 'public'>, readonly Role[]> = {
  read: ['viewer', 'sessions', 'deployer', 'admin'],
  sessions: ['sessions', 'admin'],
  deploy: ['deployer', 'admin'],
  admin: ['admin'],
  agent: ['agent', 'admin'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** Secrets (service `env` values) are shown to admins only; everyone else sees `***`. */
export function seesSecrets(role: Role): boolean {
  return role === 'admin';
}
