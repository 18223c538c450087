/** Store contract: channel history is appended with growing ids, read newest first per channel, found by operation, and its soak stamped once. */
import { describe, expect, it } from 'vitest';
import type { ChannelEntryDraft } from '../../core/channels/channel-entry.js';
import type { ContractContext } from './contract-context.js';

const NOW = 1_700_000_300_000;

function draft(over: Partial<ChannelEntryDraft> = {}): ChannelEntryDraft {
  return { service: 'web', channel: 'canary', version: '2.0.0', at: NOW, actor: 'ana', reason: 'try 2.0.0 on one', correlation_id: 'cor-1', deploy_id: 'dep-1', ...over };
}

export function channelsContract(ctx: ContractContext): void {
  describe('channel history', () => {
    it('round-trips a row, soak not started, nullable reason kept null', async () => {
      const stored = await ctx.store().appendChannelEntry(draft({ reason: null }));
      expect(stored).toEqual({ ...draft({ reason: null }), id: stored.id, soak_started_at: null });
      expect(await ctx.store().listChannelHistory('web', 'canary', 10)).toEqual([stored]);
    });

    it('lists one channel newest first, bounded, with ids growing within one millisecond', async () => {
      const first = await ctx.store().appendChannelEntry(draft({ deploy_id: 'dep-1' }));
      await ctx.store().appendChannelEntry(draft({ channel: 'stable', deploy_id: 'dep-2' }));
      await ctx.store().appendChannelEntry(draft({ service: 'api', deploy_id: 'dep-3' }));
      const second = await ctx.store().appendChannelEntry(draft({ version: '3.0.0', deploy_id: 'dep-4' }));
      expect(second.id).toBeGreaterThan(first.id);
      expect((await ctx.store().listChannelHistory('web', 'canary', 10)).map((e) => e.version)).toEqual(['3.0.0', '2.0.0']);
      expect((await ctx.store().listChannelHistory('web', 'canary', 1)).map((e) => e.id)).toEqual([second.id]);
      expect(await ctx.store().listChannelHistory('web', 'beta', 10)).toEqual([]);
    });

    it('finds the row of an operation, and none for an operation that is no channel change', async () => {
      const stored = await ctx.store().appendChannelEntry(draft({ deploy_id: 'dep-7' }));
      expect(await ctx.store().channelEntryOfOperation('dep-7')).toEqual(stored);
      expect(await ctx.store().channelEntryOfOperation('dep-8')).toBeUndefined();
    });

    it('stamps the soak start once: a second stamp changes nothing', async () => {
      await ctx.store().appendChannelEntry(draft({ deploy_id: 'dep-1' }));
      await ctx.store().appendChannelEntry(draft({ deploy_id: 'dep-2' }));
      await ctx.store().startChannelSoak('dep-1', NOW + 1000);
      await ctx.store().startChannelSoak('dep-1', NOW + 9000);
      expect((await ctx.store().channelEntryOfOperation('dep-1'))?.soak_started_at).toBe(NOW + 1000);
      expect((await ctx.store().channelEntryOfOperation('dep-2'))?.soak_started_at).toBeNull();
    });

    it('rolls an append and a stamp back with their transaction', async () => {
      await ctx.store().appendChannelEntry(draft({ deploy_id: 'dep-1' }));
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.appendChannelEntry(draft({ deploy_id: 'dep-2' }));
          await tx.startChannelSoak('dep-1', NOW);
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      expect(await ctx.store().listChannelHistory('web', 'canary', 10)).toEqual([expect.objectContaining({ deploy_id: 'dep-1', soak_started_at: null })]);
    });
  });
}
