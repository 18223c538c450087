/**
 * Turns a bearer secret into the principal it stands for: the bootstrap admin token
 * (named `admin`), the shared agent token of `--agent-token` (named `agent`, bound to no
 * host), or a named token from the store that is neither revoked nor expired.
 *
 * Named tokens are cached for a few seconds, keyed by the secret itself so a cache hit
 * costs a map lookup and no hash (the sessions path must not pay for access control; the
 * secrets are in this process's memory anyway while requests carry them). Revoking a
 * token through this server drops it from the cache at once, and another replica's
 * revocation is seen within the cache's lifetime.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../../core/access/decide-access.js';
import type { ApiToken } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { secretSha256 } from './token-secret.js';

/** The tokens given by flag, env or `admin.token`. */
export interface BootstrapTokens {
  admin: string;
  /** Null when agents use the admin token. */
  agent: string | null;
}

export type Authentication = { ok: true; principal: Principal } | { ok: false; problem: 'invalid' | 'expired' };

const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 1_000;

export class TokenAuthenticator {
  readonly #cache = new Map<string, { hash: string; token: ApiToken | undefined; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly bootstrap: BootstrapTokens,
    private readonly now: () => number,
  ) {}

  async authenticate(secret: string): Promise<Authentication> {
    if (sameSecret(secret, this.bootstrap.admin)) return { ok: true, principal: { name: 'admin', role: 'admin', host_id: null } };
    if (this.bootstrap.agent !== null && sameSecret(secret, this.bootstrap.agent)) {
      return { ok: true, principal: { name: 'agent', role: 'agent', host_id: null } };
    }
    const token = await this.#lookup(secret);
    if (token === undefined || token.revoked_at !== null) return { ok: false, problem: 'invalid' };
    if (hasExpired(token, this.now())) return { ok: false, problem: 'expired' };
    return { ok: true, principal: { name: token.name, role: token.role, host_id: token.host_id } };
  }

  /** Drops a token from the cache by its secret's hash, e.g. right after it was revoked. */
  forget(secretHash: string): void {
    for (const [secret, entry] of this.#cache) if (entry.hash === secretHash) this.#cache.delete(secret);
  }

  async #lookup(secret: string): Promise<ApiToken | undefined> {
    const now = this.now();
    const cached = this.#cache.get(secret);
    if (cached !== undefined && cached.until > now) return cached.token;
    const hash = secretSha256(secret);
    const token = await this.store.findTokenBySecret(hash);
    if (this.#cache.size >= CACHE_MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(secret, { hash, token, until: now + CACHE_TTL_MS });
    return token;
  }
}

/** An expiry is the first moment the token no longer works. */
export function hasExpired(token: ApiToken, now: number): boolean {
  return token.expires_at !== null && token.expires_at <= now;
}

/** Constant time for secrets of the expected length; a length is no secret (every minted token has the same one). */
function sameSecret(given: string, expected: string): boolean {
  if (given.length !== expected.length) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
