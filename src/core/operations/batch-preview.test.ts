import { describe, expect, it } from 'vitest';
import type { OperationTarget, StrategySpec } from '../types.js';
import { previewBatches } from './batch-preview.js';
import { makeInstances } from '../../testing/builders.js';
import { fakeAgents } from '../../testing/fake-agents.js';
import { runToEnd, startFleet } from '../../testing/fake-fleet.js';
import { DEFAULT_STRATEGY, resolveCanaryDefaults } from './strategy.js';

const targets = (n: number): OperationTarget[] =>
  Array.from({ length: n }, (_, i) => ({
    operation_id: 'dep-1', instance_id: `i${String(i + 1).padStart(2, '0')}`, from_version: '1.0', to_version: '2.0', status: 'pending' as const, attempts: 0,
    generation: null, changed: false, started_at: null, healthy_at: null, updated_at: 0, reason: null,
  })).reverse(); // the preview orders them as the planner does, by instance id
const shape = (strategy: StrategySpec, n: number, kind: 'deploy' | 'rollback' = 'deploy') =>
  previewBatches({ kind, strategy }, targets(n)).map((b) => [b.instances.map((i) => i.instance_id).join(' '), b.pause_after]);

describe('previewBatches', () => {
  it.each<[string, StrategySpec, number, unknown[]]>([
    ['the default, 4 instances: one at a time', DEFAULT_STRATEGY, 4, [['i01', null], ['i02', null], ['i03', null], ['i04', null]]],
    ['the default, 10 instances: 3, 3, 3, 1', DEFAULT_STRATEGY, 10, [['i01 i02 i03', null], ['i04 i05 i06', null], ['i07 i08 i09', null], ['i10', null]]],
    ['all at once', { type: 'all_at_once' }, 3, [['i01 i02 i03', null]]],
    ['rolling batch_size 2, 3 instances', { type: 'rolling', batch_size: 2 }, 3, [['i01 i02', null], ['i03', null]]],
    ['canary:1 until promoted, 4 instances', { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] }, 4, [['i01', 'until_promoted'], ['i02 i03 i04', null]]],
    ['canary 10% then 50%, batch_size 2, 10 instances', { type: 'canary', steps: [{ percent: 10, pause_s: 60 }, { percent: 50, pause: 'until_promoted' }], batch_size: 2 }, 10,
      [['i01', { pause_s: 60 }], ['i02 i03', null], ['i04 i05', 'until_promoted'], ['i06 i07', null], ['i08 i09', null], ['i10', null]]],
    ['bare canary with the defaults, 10 instances', resolveCanaryDefaults({ type: 'canary' }, { ratio: 0.1, durationMin: 30 }), 10, [['i01', { pause_s: 1800 }], ['i02 i03 i04 i05 i06 i07 i08 i09 i10', null]]],
  ])('%s', (_name, strategy, n, expected) => {
    expect(shape(strategy, n)).toEqual(expected);
  });

  it('a rollback changes every target at once, whatever the strategy', () => {
    expect(shape({ type: 'rolling', batch_size: 1 }, 3, 'rollback')).toEqual([['i01 i02 i03', null]]);
  });

  it('numbers batches and canary steps from 1', () => {
    const batches = previewBatches({ kind: 'deploy', strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] } }, targets(2));
    expect(batches.map((b) => [b.batch, b.canary_step])).toEqual([[1, 1], [2, null]]);
    expect(batches[0]!.instances).toEqual([{ instance_id: 'i01', from_version: '1.0', to_version: '2.0' }]);
  });
});

describe('previewBatches against the planner', () => {
  // With healthy agents and no soak time, the planner starts whole batches together: the
  // groups it starts, pass by pass, are the preview's batches.
  it.each<[string, StrategySpec, number]>([
    ['the default', DEFAULT_STRATEGY, 7],
    ['rolling batch_size 2', { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 }, 5],
    ['all at once', { type: 'all_at_once' }, 4],
    ['canary 20% then 60%, batch_size 2, no pauses', { type: 'canary', steps: [{ percent: 20 }, { percent: 60 }], batch_size: 2, min_healthy_time_s: 0 }, 10],
  ])('%s starts what the preview shows', async (_name, strategy, n) => {
    const noSoak = { ...strategy, min_healthy_time_s: 0 } as StrategySpec;
    // The store lists targets by instance id, and the planner starts them in that order.
    const state = await startFleet({ instances: makeInstances(n, '1.0.0'), strategy: noSoak, timeout_s: 30 });
    const preview = previewBatches(state.operation, state.targets).map((b) => b.instances.map((i) => i.instance_id));
    const passes = await runToEnd(state, fakeAgents(state.instances.values()));
    const started = passes
      .map((p) => p.after.targets.filter((t) => t.status !== 'pending' && p.before.targets.find((b) => b.instance_id === t.instance_id)?.status === 'pending').map((t) => t.instance_id).sort())
      .filter((group) => group.length > 0);
    expect(state.operation.status).toBe('succeeded');
    expect(started).toEqual(preview);
  });
});
