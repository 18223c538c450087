/** Store contract: named API tokens, found by their secret's hash, names unique among live tokens. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';
import { sampleToken } from '../../testing/sample-entities.js';

const NOW = 1_700_000_100_000;

export function tokensContract(ctx: ContractContext): void {
  describe('api tokens', () => {
    it('round-trips a token and finds it by its secret hash and by id', async () => {
      const token = sampleToken();
      await ctx.store().insertToken(token);
      expect(await ctx.store().findTokenBySecret(token.secret_sha256)).toEqual(token);
      expect(await ctx.store().getToken(token.token_id)).toEqual(token);
      expect(await ctx.store().findTokenBySecret('d'.repeat(64))).toBeUndefined();
      expect(await ctx.store().getToken('nothing')).toBeUndefined();
    });

    it('keeps nullable fields null', async () => {
      const token = sampleToken({ role: 'viewer', host_id: null, expires_at: null });
      await ctx.store().insertToken(token);
      expect(await ctx.store().getToken(token.token_id)).toEqual(token);
    });

    it('refuses a second live token with the same name or the same secret', async () => {
      await ctx.store().insertToken(sampleToken());
      await expect(ctx.store().insertToken(sampleToken({ token_id: 'tok_2', secret_sha256: 'e'.repeat(64) }))).rejects.toThrow();
      await expect(ctx.store().insertToken(sampleToken({ token_id: 'tok_3', name: 'other' }))).rejects.toThrow();
      expect((await ctx.store().listTokens()).map((t) => t.token_id)).toEqual(['tok_1']);
    });

    it('revokes once, keeps the record, and frees the name for a new token', async () => {
      await ctx.store().insertToken(sampleToken());
      expect((await ctx.store().revokeToken('tok_1', NOW))?.revoked_at).toBe(NOW);
      expect((await ctx.store().revokeToken('tok_1', NOW + 5))?.revoked_at).toBe(NOW);
      expect(await ctx.store().revokeToken('nothing', NOW)).toBeUndefined();
      await ctx.store().insertToken(sampleToken({ token_id: 'tok_2', secret_sha256: 'e'.repeat(64), created_at: NOW }));
      expect((await ctx.store().listTokens()).map((t) => [t.token_id, t.revoked_at])).toEqual([
        ['tok_1', NOW],
        ['tok_2', null],
      ]);
    });
  });
}
