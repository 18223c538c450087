/** Store contract: instances (goal and observation kept apart) and per-instance version history. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';
import { makeIsolation } from '../../testing/builders.js';
import { sampleInstance, sampleObservation, sampleService } from '../../testing/sample-entities.js';

export function instancesContract(ctx: ContractContext): void {
  const withServices = async (...names: string[]): Promise<void> => {
    for (const name of names) await ctx.store().putService(sampleService({ name }));
  };

  describe('instances', () => {
    it('round-trips an instance that was never observed', async () => {
      await withServices('web');
      const instance = sampleInstance({ pinned_version: '1.0.0', removed_at: null });
      await ctx.store().insertInstance(instance);
      expect(await ctx.store().getInstance(instance.instance_id)).toEqual(instance);
      expect(await ctx.store().getInstance('nothing')).toBeUndefined();
    });

    it('records observations with and without an outcome, leaving the goal alone', async () => {
      await withServices('web');
      const instance = sampleInstance();
      await ctx.store().insertInstance(instance);
      const observed = sampleObservation();
      await ctx.store().recordObservation(instance.instance_id, observed);
      expect(await ctx.store().getInstance(instance.instance_id)).toEqual({ ...instance, observed });
      const crashed = sampleObservation({ status: 'crashed', version: null, proof: null, pid: null, achieved_generation: 0, outcome: null, at: 5 });
      await ctx.store().recordObservation(instance.instance_id, crashed);
      expect(await ctx.store().getInstance(instance.instance_id)).toEqual({ ...instance, observed: crashed });
    });

    it('keeps a process proof\'s refusal with the observation (migration 019)', async () => {
      await withServices('web');
      const instance = sampleInstance();
      await ctx.store().insertInstance(instance);
      const refusal = { code: 'foreign_listener', message: 'port 8080 is held by pid 99 (python3), which the agent did not start' };
      const refused = sampleObservation({ version: null, proof: { source: null, refusal } });
      await ctx.store().recordObservation(instance.instance_id, refused);
      expect((await ctx.store().getInstance(instance.instance_id))?.observed?.proof).toEqual({ source: null, refusal });
    });

    it('sets the goal, the pin and the removal mark without touching the observation', async () => {
      await withServices('web');
      const instance = sampleInstance({ observed: sampleObservation() });
      await ctx.store().insertInstance(instance);
      const goal = { version: null, generation: 4, action: 'restart' as const, timeout_s: 120 };
      await ctx.store().setInstanceGoal(instance.instance_id, goal);
      await ctx.store().setInstancePin(instance.instance_id, '0.9.0');
      await ctx.store().markInstanceRemoved(instance.instance_id, 1234);
      expect(await ctx.store().getInstance(instance.instance_id)).toEqual({ ...instance, goal, pinned_version: '0.9.0', removed_at: 1234 });
      await ctx.store().setInstancePin(instance.instance_id, null);
      expect((await ctx.store().getInstance(instance.instance_id))?.pinned_version).toBeNull();
    });

    it("keeps the operation that set a goal, and clears it with a goal no operation set", async () => {
      await withServices('web');
      const instance = sampleInstance();
      await ctx.store().insertInstance(instance);
      const operation = { id: 'dep-7', kind: 'deploy' as const, correlation_id: 'corr-7', traceparent: null };
      const goal = { version: '2.0.0', generation: 4, action: 'run' as const, timeout_s: 60, operation };
      await ctx.store().setInstanceGoal(instance.instance_id, goal);
      expect((await ctx.store().getInstance(instance.instance_id))?.goal).toEqual(goal);
      expect((await ctx.store().listInstances({ service: 'web' }))[0]?.goal.operation).toEqual(operation);
      const unowned = { version: '2.0.0', generation: 5, action: 'run' as const, timeout_s: 60 };
      await ctx.store().setInstanceGoal(instance.instance_id, unowned);
      expect((await ctx.store().getInstance(instance.instance_id))?.goal).toStrictEqual(unowned);
    });

    it('sets and clears the drift isolation without touching goal, pin or observation', async () => {
      await withServices('web');
      const instance = sampleInstance({ pinned_version: '1.0.0', observed: sampleObservation() });
      await ctx.store().insertInstance(instance);
      const isolation = makeIsolation({ since: 77, pinned_version: '1.0.0', rebuild: { operation_id: 'dep-1', version: '1.0.0', attempts: 1, gave_up: false } });
      await ctx.store().setInstanceIsolation(instance.instance_id, isolation);
      expect(await ctx.store().getInstance(instance.instance_id)).toEqual({ ...instance, isolation });
      await ctx.store().setInstanceIsolation(instance.instance_id, null);
      expect(await ctx.store().getInstance(instance.instance_id)).toEqual(instance);
    });

    it('deletes an instance', async () => {
      await withServices('web');
      await ctx.store().insertInstance(sampleInstance());
      await ctx.store().deleteInstance('web-host-a-8080');
      expect(await ctx.store().getInstance('web-host-a-8080')).toBeUndefined();
      expect(await ctx.store().listInstances({})).toEqual([]);
    });

    it('lists by instance_id, filtered by service, host or both, removed ones included', async () => {
      await withServices('web', 'api');
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-2', host: 'host-b', port: 1 }));
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-1', host: 'host-a', port: 1, removed_at: 5 }));
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'api-1', service: 'api', host: 'host-a', port: 2 }));
      const ids = async (filter: { service?: string; host?: string }) => (await ctx.store().listInstances(filter)).map((i) => i.instance_id);
      expect(await ids({})).toEqual(['api-1', 'web-1', 'web-2']);
      expect(await ids({ service: 'web' })).toEqual(['web-1', 'web-2']);
      expect(await ids({ host: 'host-a' })).toEqual(['api-1', 'web-1']);
      expect(await ids({ service: 'web', host: 'host-a' })).toEqual(['web-1']);
      expect(await ids({ service: 'nothing' })).toEqual([]);
    });

    it('refuses a second instance on the same host and port, and a duplicate id', async () => {
      await withServices('web', 'api');
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-1', host: 'host-a', port: 8080 }));
      await expect(ctx.store().insertInstance(sampleInstance({ instance_id: 'api-1', service: 'api', host: 'host-a', port: 8080 }))).rejects.toThrow();
      await expect(ctx.store().insertInstance(sampleInstance({ instance_id: 'web-1', host: 'host-b', port: 9090 }))).rejects.toThrow();
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-2', host: 'host-b', port: 8080 }));
      expect((await ctx.store().listInstances({})).map((i) => i.instance_id)).toEqual(['web-1', 'web-2']);
    });

    it('lists the placement facts of live instances of one service, by instance_id', async () => {
      await withServices('web', 'api');
      const observed = sampleObservation();
      const isolation = makeIsolation({ policy: 'quarantine' });
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-2', host: 'host-b', port: 1, observed, isolation }));
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-1', host: 'host-a', port: 2, observed: null }));
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-0', host: 'host-a', port: 3, removed_at: 5 }));
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'api-1', service: 'api', host: 'host-a', port: 4 }));
      const web2 = (await ctx.store().getInstance('web-2'))!;
      expect(await ctx.store().listInstancePlacements('web')).toEqual([
        { instance_id: 'web-1', host: 'host-a', port: 2, removed_at: null, goal: { version: web2.goal.version, generation: web2.goal.generation }, observed: null, isolation: null, replay_hold: null },
        {
          instance_id: 'web-2',
          host: 'host-b',
          port: 1,
          removed_at: null,
          goal: { version: web2.goal.version, generation: web2.goal.generation },
          observed: { status: observed.status, version: observed.version, achieved_generation: observed.achieved_generation },
          isolation,
          replay_hold: null,
        },
      ]);
      expect(await ctx.store().listInstancePlacements('nothing')).toEqual([]);
    });

    it('sets and clears the replay hold of several instances at once (migration 016)', async () => {
      await withServices('web');
      for (const [id, port] of [['web-1', 1], ['web-2', 2], ['web-3', 3]] as const) await ctx.store().insertInstance(sampleInstance({ instance_id: id, port }));
      const hold = { replay_id: 'rp-1', failed: false, since: 1_700_000_000_000 };
      await ctx.store().setReplayHold(['web-1', 'web-2', 'ghost'], hold);
      expect((await ctx.store().listInstances({ service: 'web' })).map((i) => [i.instance_id, i.replay_hold])).toEqual([
        ['web-1', hold],
        ['web-2', hold],
        ['web-3', null],
      ]);
      expect((await ctx.store().listInstancePlacements('web')).map((i) => i.replay_hold)).toEqual([hold, hold, null]);
      await ctx.store().setReplayHold(['web-1'], null);
      await ctx.store().setReplayHold([], hold);
      expect((await ctx.store().getInstance('web-1'))?.replay_hold).toBeNull();
    });

    it('compares and sets the traffic state, so an intent and a late adapter result never overwrite each other (migration 017)', async () => {
      await withServices('web');
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-1', port: 1 }));
      const drain = { intent: { state: 'drain' as const, weight: 100, seq: 1, at: 1_700_000_000_000 }, applied: null };
      expect(await ctx.store().updateInstanceTraffic('web-1', null, drain)).toBe(true);
      expect((await ctx.store().getInstance('web-1'))?.traffic).toEqual(drain);
      const applied = { ...drain, applied: { seq: 1, ok: true, at: 1_700_000_000_100 } };
      const ready = { intent: { state: 'ready' as const, weight: 100, seq: 2, at: 1_700_000_000_200 }, applied: null };
      expect(await ctx.store().updateInstanceTraffic('web-1', drain, ready)).toBe(true);
      // The adapter's result for seq 1 arrives after the planner's next intent: refused.
      expect(await ctx.store().updateInstanceTraffic('web-1', drain, applied)).toBe(false);
      expect((await ctx.store().getInstance('web-1'))?.traffic).toEqual(ready);
      expect(await ctx.store().updateInstanceTraffic('ghost', null, drain)).toBe(false);
      expect((await ctx.store().listInstances({ service: 'web' }))[0]?.traffic).toEqual(ready);
    });

    it('refuses an instance of an unknown service', async () => {
      await expect(ctx.store().insertInstance(sampleInstance({ service: 'ghost' }))).rejects.toThrow();
    });
  });

  describe('version history', () => {
    it('opens one interval for a version seen repeatedly', async () => {
      await ctx.store().recordInstanceVersion('web-1', '1.0.0', 100);
      await ctx.store().recordInstanceVersion('web-1', '1.0.0', 200);
      await ctx.store().recordInstanceVersion('web-1', '1.0.0', 300);
      expect(await ctx.store().listInstanceHistory('web-1')).toEqual([{ instance_id: 'web-1', version: '1.0.0', from: 100, to: null }]);
    });

    it('closes the open interval when another version is seen, oldest first', async () => {
      await ctx.store().recordInstanceVersion('web-1', '1.0.0', 100);
      await ctx.store().recordInstanceVersion('web-1', '2.0.0', 200);
      await ctx.store().recordInstanceVersion('web-1', '2.0.0', 250);
      await ctx.store().recordInstanceVersion('web-1', '1.0.0', 300);
      expect(await ctx.store().listInstanceHistory('web-1')).toEqual([
        { instance_id: 'web-1', version: '1.0.0', from: 100, to: 200 },
        { instance_id: 'web-1', version: '2.0.0', from: 200, to: 300 },
        { instance_id: 'web-1', version: '1.0.0', from: 300, to: null },
      ]);
    });

    it('keeps instances apart, and keeps history after the instance is deleted', async () => {
      await withServices('web');
      await ctx.store().insertInstance(sampleInstance({ instance_id: 'web-1' }));
      await ctx.store().recordInstanceVersion('web-1', '1.0.0', 100);
      await ctx.store().recordInstanceVersion('web-2', '2.0.0', 150);
      await ctx.store().deleteInstance('web-1');
      expect(await ctx.store().listInstanceHistory('web-1')).toEqual([{ instance_id: 'web-1', version: '1.0.0', from: 100, to: null }]);
      expect(await ctx.store().listInstanceHistory('web-2')).toEqual([{ instance_id: 'web-2', version: '2.0.0', from: 150, to: null }]);
      expect(await ctx.store().listInstanceHistory('web-3')).toEqual([]);
    });

    it('changes versions twice within one millisecond without losing an interval', async () => {
      await ctx.store().recordInstanceVersion('web-1', '1.0.0', 100);
      await ctx.store().recordInstanceVersion('web-1', '2.0.0', 100);
      expect(await ctx.store().listInstanceHistory('web-1')).toEqual([
        { instance_id: 'web-1', version: '1.0.0', from: 100, to: 100 },
        { instance_id: 'web-1', version: '2.0.0', from: 100, to: null },
      ]);
    });
  });
}
