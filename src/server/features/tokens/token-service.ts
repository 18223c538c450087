/**
 * Issuing and revoking named tokens (CONTRACT §9). The secret exists only in the create
 * response; the store and the audit keep its hash and its name. An agent token must be
 * bound to one host; no other role may be. `admin` and `agent` are the names of the
 * bootstrap tokens and cannot be taken.
 */
import { isRole, type Role } from '../../../core/access/roles.js';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import { parseIsoTime } from '../../../core/iso-time.js';
import { checkHostId } from '../../../core/names.js';
import type { ApiToken } from '../../../core/types.js';
import type { Caller } from '../shared/caller.js';
import type { ServerContext } from '../../server-context.js';
import type { FerryEvent } from '../../../core/events/event-catalogue.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { mintSecret, mintTokenId, secretSha256 } from './token-secret.js';
import { callerEventIds } from '../shared/caller.js';

export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const RESERVED_NAMES = new Set(['admin', 'agent', 'anonymous']);

export interface TokenRequest {
  name: string;
  role: string;
  host_id?: string | null;
  expires_at?: string | null;
}

export async function createToken(ctx: ServerContext, input: TokenRequest, caller: Caller): Promise<{ token: ApiToken; secret: string }> {
  const now = ctx.now();
  const checked = checkTokenRequest(input, now);
  const secret = mintSecret();
  const token: ApiToken = {
    token_id: mintTokenId(),
    name: input.name,
    role: checked.role,
    host_id: checked.hostId,
    secret_sha256: secretSha256(secret),
    created_at: now,
    created_by: caller.actor,
    expires_at: checked.expiresAt,
    revoked_at: null,
  };
  await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    if ((await tx.listTokens()).some((t) => t.name === token.name && t.revoked_at === null)) {
      throw new ConflictError('token_exists', `a token named "${token.name}" exists; revoke it first or pick another name`, { name: token.name });
    }
    await tx.insertToken(token);
    await recordEvent(tx, tokenEvent('token_created', token, now, caller));
  });
  return { token, secret };
}

export async function revokeToken(ctx: ServerContext, tokenId: string, caller: Caller): Promise<ApiToken> {
  const now = ctx.now();
  return transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const before = await tx.getToken(tokenId);
    if (before === undefined) throw new NotFoundError('token_not_found', `no token ${tokenId}`, { token_id: tokenId });
    // Revoking twice keeps the first time and records nothing new.
    if (before.revoked_at !== null) return before;
    const after = (await tx.revokeToken(tokenId, now)) ?? before;
    await recordEvent(tx, tokenEvent('token_revoked', after, now, caller));
    return after;
  });
}

function checkTokenRequest(input: TokenRequest, now: number): { role: Role; hostId: string | null; expiresAt: number | null } {
  if (!TOKEN_NAME_PATTERN.test(input.name)) throw new InputError('invalid_token_name', `a token name must match ${TOKEN_NAME_PATTERN.source}`);
  if (RESERVED_NAMES.has(input.name.toLowerCase())) throw new InputError('invalid_token_name', `"${input.name}" is reserved for a bootstrap token`);
  if (!isRole(input.role)) throw new InputError('invalid_role', 'role must be one of viewer, sessions, deployer, admin, agent');
  const hostId = input.host_id ?? null;
  if (input.role === 'agent') {
    if (hostId === null) throw new InputError('host_required', 'an agent token is bound to one host: give host_id');
    const check = checkHostId(hostId);
    if (!check.ok) throw new InputError(check.reason, check.message);
  } else if (hostId !== null) {
    throw new InputError('host_not_allowed', 'only agent tokens are bound to a host');
  }
  let expiresAt: number | null = null;
  if (input.expires_at !== undefined && input.expires_at !== null) {
    expiresAt = parseIsoTime(input.expires_at);
    if (expiresAt === null) throw new InputError('invalid_time', 'expires_at must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z');
    if (expiresAt <= now) throw new InputError('invalid_time', 'expires_at must be in the future');
  }
  return { role: input.role, hostId, expiresAt };
}

function tokenEvent(type: 'token_created' | 'token_revoked', token: ApiToken, at: number, caller: Caller): FerryEvent {
  return {
    at,
    type,
    service: null,
    version: null,
    instance_id: null,
    deploy_id: null,
    actor: caller.actor,
    correlation_id: caller.correlationId,
    ...callerEventIds(caller),
    details: { token_id: token.token_id, name: token.name, role: token.role, host_id: token.host_id },
  };
}
