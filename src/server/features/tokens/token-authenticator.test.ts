/** The authenticator on a real SQLite store with a fake clock: bootstrap tokens, expiry, revocation, caching. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { TokenAuthenticator } from './token-authenticator.js';
import { secretSha256 } from './token-secret.js';
import { createToken, revokeToken } from './token-service.js';

let now: number;
let fake: FakeServerContext;
let auth: TokenAuthenticator;
const caller = { actor: 'admin', correlationId: 'c' };

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  fake = await openFakeServerContext({ now: () => now });
  auth = new TokenAuthenticator(fake.store, { admin: 'boot-admin', agent: 'boot-agent' }, () => now);
});
afterEach(() => fake.close());

describe('TokenAuthenticator', () => {
  it('names the bootstrap tokens admin and agent; the shared agent token is bound to no host', async () => {
    expect(await auth.authenticate('boot-admin')).toEqual({ ok: true, principal: { name: 'admin', role: 'admin', host_id: null } });
    expect(await auth.authenticate('boot-agent')).toEqual({ ok: true, principal: { name: 'agent', role: 'agent', host_id: null } });
    expect(await auth.authenticate('boot-admi')).toEqual({ ok: false, problem: 'invalid' });
  });

  it('accepts a named token until it expires', async () => {
    const { secret } = await createToken(fake.ctx, { name: 'h1', role: 'agent', host_id: 'h1', expires_at: '2026-01-01T01:00:00Z' }, caller);
    expect(await auth.authenticate(secret)).toEqual({ ok: true, principal: { name: 'h1', role: 'agent', host_id: 'h1' } });
    now = Date.UTC(2026, 0, 1, 1);
    expect(await auth.authenticate(secret)).toEqual({ ok: false, problem: 'expired' });
  });

  it('refuses a revoked token at once when told, and within the cache lifetime when not', async () => {
    const a = await createToken(fake.ctx, { name: 'a', role: 'viewer' }, caller);
    const b = await createToken(fake.ctx, { name: 'b', role: 'viewer' }, caller);
    expect((await auth.authenticate(a.secret)).ok).toBe(true);
    expect((await auth.authenticate(b.secret)).ok).toBe(true);
    await revokeToken(fake.ctx, a.token.token_id, caller);
    auth.forget(secretSha256(a.secret));
    expect(await auth.authenticate(a.secret)).toEqual({ ok: false, problem: 'invalid' });
    await revokeToken(fake.ctx, b.token.token_id, caller);
    now += 5_000;
    expect(await auth.authenticate(b.secret)).toEqual({ ok: false, problem: 'invalid' });
  });

  it('stores only the hash of the secret', async () => {
    const { secret, token } = await createToken(fake.ctx, { name: 'c', role: 'sessions' }, caller);
    expect(JSON.stringify(await fake.store.listTokens())).not.toContain(secret);
    expect(token.secret_sha256).toBe(secretSha256(secret));
  });
});
