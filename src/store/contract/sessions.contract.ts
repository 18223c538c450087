/** Store contract: client sessions, their end, open counts per instance and tenant history. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';
import { sampleSession } from '../../testing/sample-entities.js';

const NOW = 1_700_000_100_000;

export function sessionsContract(ctx: ContractContext): void {
  describe('sessions', () => {
    it('round-trips sessions inserted together, with and without a tenant', async () => {
      const a = sampleSession({ session_id: 'a' });
      const b = sampleSession({ session_id: 'b', tenant_id: 'acme', port: 9090, instance_id: 'web-host-a-9090' });
      await ctx.store().insertSessions([a, b]);
      expect(await ctx.store().getSession('a')).toEqual(a);
      expect(await ctx.store().getSession('b')).toEqual(b);
      expect(await ctx.store().getSession('nothing')).toBeUndefined();
    });

    it('refuses a duplicate session id and inserts nothing of that batch', async () => {
      await ctx.store().insertSessions([sampleSession({ session_id: 'a' })]);
      await expect(ctx.store().insertSessions([sampleSession({ session_id: 'b' }), sampleSession({ session_id: 'a' })])).rejects.toThrow();
      expect(await ctx.store().getSession('b')).toBeUndefined();
    });

    it('ends a session once: the first end time stays, unknown ones answer undefined', async () => {
      await ctx.store().insertSessions([sampleSession({ session_id: 'a' })]);
      expect(await ctx.store().endSession('a', NOW)).toEqual(sampleSession({ session_id: 'a', ended_at: NOW }));
      expect((await ctx.store().endSession('a', NOW + 5))?.ended_at).toBe(NOW);
      expect(await ctx.store().endSession('nothing', NOW)).toBeUndefined();
    });

    it('counts open sessions per instance of one service: not ended and not expired', async () => {
      await ctx.store().insertSessions([
        sampleSession({ session_id: '1', instance_id: 'x' }),
        sampleSession({ session_id: '2', instance_id: 'x' }),
        sampleSession({ session_id: '3', instance_id: 'y' }),
        sampleSession({ session_id: 'ended', instance_id: 'y' }),
        sampleSession({ session_id: 'expired', instance_id: 'z', expires_at: NOW }),
        sampleSession({ session_id: 'other-service', service: 'api', instance_id: 'x' }),
      ]);
      await ctx.store().endSession('ended', NOW - 1);
      expect(await ctx.store().countOpenSessionsByInstance('web', NOW)).toEqual({ x: 2, y: 1 });
      expect(await ctx.store().countOpenSessionsByInstance('api', NOW)).toEqual({ x: 1 });
      expect(await ctx.store().countOpenSessionsByInstance('web', NOW + 10_000_000)).toEqual({});
    });

    it('tells the version a tenant was last given since a moment', async () => {
      await ctx.store().insertSessions([
        sampleSession({ session_id: '1', tenant_id: 'acme', runtime_version: '1.0.0', created_at: 100 }),
        sampleSession({ session_id: '2', tenant_id: 'acme', runtime_version: '2.0.0', created_at: 200 }),
        sampleSession({ session_id: '3', tenant_id: 'other', runtime_version: '3.0.0', created_at: 300 }),
        sampleSession({ session_id: '4', tenant_id: 'acme', service: 'api', runtime_version: '4.0.0', created_at: 400 }),
      ]);
      expect(await ctx.store().lastTenantVersion('web', 'acme', 0)).toBe('2.0.0');
      expect(await ctx.store().lastTenantVersion('web', 'acme', 150)).toBe('2.0.0');
      expect(await ctx.store().lastTenantVersion('web', 'acme', 201)).toBeUndefined();
      expect(await ctx.store().lastTenantVersion('web', 'nobody', 0)).toBeUndefined();
    });

    it('deletes sessions that expired before a cutoff, oldest first and at most the limit at a time', async () => {
      await ctx.store().insertSessions([
        sampleSession({ session_id: 'oldest', expires_at: 100 }),
        sampleSession({ session_id: 'old', expires_at: 200 }),
        sampleSession({ session_id: 'at-cutoff', expires_at: 300 }),
        sampleSession({ session_id: 'open', expires_at: 400 }),
      ]);
      await ctx.store().endSession('open', 150);
      expect(await ctx.store().deleteSessionsExpiredBefore(300, 1)).toBe(1);
      expect(await ctx.store().getSession('oldest')).toBeUndefined();
      expect(await ctx.store().getSession('old')).toBeDefined();
      expect(await ctx.store().deleteSessionsExpiredBefore(300, 10)).toBe(1);
      expect(await ctx.store().deleteSessionsExpiredBefore(300, 10)).toBe(0);
      expect((await ctx.store().getSession('at-cutoff'))?.session_id).toBe('at-cutoff');
      expect((await ctx.store().getSession('open'))?.session_id).toBe('open');
    });

    it('sees sessions inserted inside a transaction once it commits, and none after a rollback', async () => {
      await ctx.store().transaction(async (tx) => tx.insertSessions([sampleSession({ session_id: 'kept' })]));
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.insertSessions([sampleSession({ session_id: 'dropped' })]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await ctx.store().getSession('kept')).toBeDefined();
      expect(await ctx.store().getSession('dropped')).toBeUndefined();
    });
  });
}
