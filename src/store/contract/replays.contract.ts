/** Store contract: replay runs (migration 016) round-trip, patch field by field, and list newest first and per staging host. */
import { describe, expect, it } from 'vitest';
import { runningReplay, type Replay } from '../../core/replay/replay-record.js';
import type { ContractContext } from './contract-context.js';
import { sampleInstance, sampleService } from '../../testing/sample-entities.js';

const NOW = 1_700_000_300_000;

export function sampleReplay(over: Partial<Replay> = {}): Replay {
  const running = runningReplay({
    replay_id: 'rp-1',
    service: 'web',
    version: '2.0.0',
    baseline_version: '1.0.0',
    purpose: 'release',
    instances: [],
    requests: 0,
    staging: { host: 'h1', wanted: true, port: null, status: 'pending', reason: null },
    actor: 'admin',
    correlation_id: 'cor-1',
    started_at: NOW,
  });
  return { ...running, ...over };
}

export function replaysContract(ctx: ContractContext): void {
  describe('replays', () => {
    it('round-trips a running replay and one without staging', async () => {
      await ctx.store().insertReplay(sampleReplay());
      const rollback = sampleReplay({ replay_id: 'rp-2', purpose: 'rollback', instances: ['web-h1-1'], staging: null, passed: false, noise_filtering: false });
      await ctx.store().insertReplay(rollback);
      expect(await ctx.store().getReplay('rp-1')).toEqual(sampleReplay());
      expect(await ctx.store().getReplay('rp-2')).toEqual(rollback);
      expect(await ctx.store().getReplay('nope')).toBeUndefined();
    });

    it('patches only the named fields', async () => {
      await ctx.store().insertReplay(sampleReplay());
      const differences = [{ request: 3, field: 'body:/items/0', expected: 'a', actual: 'a-x' }];
      const answers = [{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"a":1}' }];
      await ctx.store().updateReplay('rp-1', { staging: { host: 'h1', wanted: true, port: 4100, status: 'ready', reason: null } });
      await ctx.store().updateReplay('rp-1', { status: 'completed', passed: false, requests: 10, difference_count: 1, differences, noise_filtered: 2, noise_fields: ['body:/a', 'body:/b'], noise_filtering: true, answers, completed_at: NOW + 5 });
      expect(await ctx.store().getReplay('rp-1')).toEqual(
        sampleReplay({ staging: { host: 'h1', wanted: true, port: 4100, status: 'ready', reason: null }, status: 'completed', passed: false, requests: 10, difference_count: 1, differences, noise_filtered: 2, noise_fields: ['body:/a', 'body:/b'], noise_filtering: true, answers, completed_at: NOW + 5 }),
      );
      await ctx.store().updateReplay('rp-1', { reason: { code: 'staging_failed', message: 'never ready' } });
      expect((await ctx.store().getReplay('rp-1'))?.reason).toEqual({ code: 'staging_failed', message: 'never ready' });
    });

    it('lists per release newest first, by status, and the staging a host should run', async () => {
      await ctx.store().insertReplay(sampleReplay({ replay_id: 'rp-a', started_at: NOW }));
      await ctx.store().insertReplay(sampleReplay({ replay_id: 'rp-b', started_at: NOW + 1, status: 'completed', staging: { host: 'h1', wanted: false, port: 1, status: 'stopped', reason: null } }));
      await ctx.store().insertReplay(sampleReplay({ replay_id: 'rp-c', started_at: NOW + 2, version: '3.0.0', staging: { host: 'h2', wanted: true, port: null, status: 'pending', reason: null } }));
      expect((await ctx.store().listReplays({ service: 'web', version: '2.0.0' })).map((r) => r.replay_id)).toEqual(['rp-b', 'rp-a']);
      expect((await ctx.store().listReplays({ status: 'running' })).map((r) => r.replay_id)).toEqual(['rp-c', 'rp-a']);
      expect((await ctx.store().listReplays({ stagingHost: 'h1' })).map((r) => r.replay_id)).toEqual(['rp-a']);
      expect((await ctx.store().listReplays({ service: 'web', limit: 1 })).map((r) => r.replay_id)).toEqual(['rp-c']);
    });

    it('lists without the stored answers (read by id only), and oldest first when asked', async () => {
      const answers = [{ status: 200, headers: {}, body: 'x'.repeat(1000) }];
      await ctx.store().insertReplay(sampleReplay({ replay_id: 'rp-a', started_at: NOW, status: 'completed', passed: true, answers }));
      await ctx.store().insertReplay(sampleReplay({ replay_id: 'rp-b', started_at: NOW + 1 }));
      const listed = await ctx.store().listReplays({ service: 'web' });
      expect(listed.map((r) => [r.replay_id, r.answers])).toEqual([['rp-b', null], ['rp-a', null]]);
      expect((await ctx.store().getReplay('rp-a'))?.answers).toEqual(answers);
      expect((await ctx.store().listReplays({ oldestFirst: true, limit: 1 })).map((r) => r.replay_id)).toEqual(['rp-a']);
    });

    it('changes a hold only where it names the replay, with onlyIfReplayId', async () => {
      await ctx.store().putService(sampleService({ name: 'web' }));
      for (const id of ['web-1', 'web-2', 'web-3']) await ctx.store().insertInstance(sampleInstance({ instance_id: id, port: Number(id.slice(-1)) + 8000 }));
      const held = (replay_id: string, failed = false) => ({ replay_id, failed, since: NOW });
      await ctx.store().setReplayHold(['web-1', 'web-2'], held('rp-old'));
      await ctx.store().setReplayHold(['web-2'], held('rp-new'));
      const holds = async () => (await ctx.store().listInstances({ service: 'web' })).map((i) => i.replay_hold?.replay_id ?? null);
      // The older replay passes: it lifts its own hold, not the newer rollback's; an unheld instance stays unheld.
      await ctx.store().setReplayHold(['web-1', 'web-2', 'web-3'], null, { onlyIfReplayId: 'rp-old' });
      expect(await holds()).toEqual([null, 'rp-new', null]);
      // A failing replay re-holds only what it still holds (not an instance a person released).
      await ctx.store().setReplayHold(['web-1', 'web-2'], held('rp-new', true), { onlyIfReplayId: 'rp-new' });
      expect((await ctx.store().listInstances({ service: 'web' })).map((i) => i.replay_hold ?? null)).toEqual([null, held('rp-new', true), null]);
      await ctx.store().setReplayHold(['web-1'], held('rp-old', true), { onlyIfReplayId: 'rp-old' });
      expect(await holds()).toEqual([null, 'rp-new', null]);
    });

    it('refuses a second replay with the same id', async () => {
      await ctx.store().insertReplay(sampleReplay());
      await expect(ctx.store().insertReplay(sampleReplay())).rejects.toThrow();
    });
  });
}
