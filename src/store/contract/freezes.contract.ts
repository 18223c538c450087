/** Store contract: freeze windows round-trip (recurrence JSON included), list live ones oldest first, and are removed once. */
import { describe, expect, it } from 'vitest';
import type { Freeze } from '../../core/freezes/freeze.js';
import type { ContractContext } from './contract-context.js';

const NOW = 1_700_000_300_000;

export function sampleFreeze(over: Partial<Freeze> = {}): Freeze {
  return {
    freeze_id: 'frz_1',
    service: 'web',
    starts_at: NOW,
    ends_at: NOW + 86_400_000,
    reason: 'year-end change freeze',
    recurrence: { weekly: [{ day: 'fri', from: '16:00', to: 'mon 08:00' }], time_zone: 'Europe/Berlin' },
    created_at: NOW,
    created_by: 'admin',
    removed_at: null,
    removed_by: null,
    ...over,
  };
}

export function freezesContract(ctx: ContractContext): void {
  describe('freeze windows', () => {
    it('round-trips a weekly window and a global one-off window', async () => {
      const weekly = sampleFreeze();
      const global = sampleFreeze({ freeze_id: 'frz_2', service: null, recurrence: null, created_at: NOW + 1 });
      await ctx.store().insertFreeze(weekly);
      await ctx.store().insertFreeze(global);
      expect(await ctx.store().getFreeze('frz_1')).toEqual(weekly);
      expect(await ctx.store().getFreeze('frz_2')).toEqual(global);
      expect(await ctx.store().getFreeze('frz_none')).toBeUndefined();
      expect(await ctx.store().listFreezes()).toEqual([weekly, global]);
    });

    it('refuses a second window with the same id', async () => {
      await ctx.store().insertFreeze(sampleFreeze());
      await expect(ctx.store().insertFreeze(sampleFreeze({ reason: 'other' }))).rejects.toThrow();
      expect((await ctx.store().listFreezes()).map((f) => f.reason)).toEqual(['year-end change freeze']);
    });

    it('removes once: the row stays, out of the list, with the first removal kept', async () => {
      await ctx.store().insertFreeze(sampleFreeze());
      await ctx.store().insertFreeze(sampleFreeze({ freeze_id: 'frz_0', created_at: NOW }));
      expect(await ctx.store().removeFreeze('frz_1', NOW + 5, 'alice')).toMatchObject({ removed_at: NOW + 5, removed_by: 'alice' });
      expect(await ctx.store().removeFreeze('frz_1', NOW + 9, 'bob')).toMatchObject({ removed_at: NOW + 5, removed_by: 'alice' });
      expect(await ctx.store().removeFreeze('frz_none', NOW, 'alice')).toBeUndefined();
      expect((await ctx.store().listFreezes()).map((f) => f.freeze_id)).toEqual(['frz_0']);
      expect((await ctx.store().getFreeze('frz_1'))?.removed_at).toBe(NOW + 5);
    });

    it('rolls an insert back with its transaction', async () => {
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.insertFreeze(sampleFreeze());
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      expect(await ctx.store().listFreezes()).toEqual([]);
    });
  });
}
