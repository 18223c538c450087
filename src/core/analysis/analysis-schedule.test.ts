/** What the runner measures and when, as named scenarios on a fake clock. */
import { describe, expect, it } from 'vitest';
import { makeOperation, makeTarget, T0 } from '../../testing/builders.js';
import type { StrategySpec } from '../types.js';
import { analysisDue, analysisSubjectsOf } from './analysis-schedule.js';

const canary: StrategySpec = { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }, { instances: 2, pause_s: 60 }] };
const live = ['i1', 'i2', 'i3'];
const succeeded = (id: string) => makeTarget(id, '1.0.0', '2.0.0', { status: 'succeeded', changed: true });
const pending = (id: string) => makeTarget(id, '1.0.0', '2.0.0');

describe('analysisSubjectsOf', () => {
  it('a canary paused at its first step: phase step-1, the changed instance against the untouched ones', () => {
    const op = makeOperation({ strategy: canary, status: 'paused', rollout: { steps_done: 0, pause: { kind: 'until_promoted', until: null, since: T0 + 5000 }, progress_at: T0, abort: null } });
    expect(analysisSubjectsOf(op, [succeeded('i1'), pending('i2'), pending('i3')], live)).toEqual({
      phase: 'step-1',
      version: '2.0.0',
      baseline_version: '1.0.0',
      canary: ['i1'],
      baseline: ['i2', 'i3'],
      since: T0 + 5000,
    });
  });

  it('after the last step, the batches are phase rolling and measured from the last progress', () => {
    const op = makeOperation({ strategy: canary, status: 'running', rollout: { steps_done: 2, pause: null, progress_at: T0 + 9000, abort: null } });
    const deploying = makeTarget('i3', '1.0.0', '2.0.0', { status: 'deploying' });
    expect(analysisSubjectsOf(op, [succeeded('i1'), succeeded('i2'), deploying], live)).toMatchObject({ phase: 'rolling', canary: ['i1', 'i2'], baseline: [], since: T0 + 9000 });
  });

  it.each([
    ['nothing passed its health gate yet', makeOperation({ status: 'running' }), [makeTarget('i1', '1.0.0', '2.0.0', { status: 'healthy', changed: true }), pending('i2')]],
    ['a rollback', makeOperation({ kind: 'rollback', status: 'running' }), [succeeded('i1')]],
    ['a deployment rolling back', makeOperation({ status: 'rolling_back' }), [succeeded('i1')]],
    ['a deployment verifying at its end', makeOperation({ status: 'verifying' }), [succeeded('i1')]],
    ['an instance that already ran the version (not changed)', makeOperation({ status: 'running' }), [makeTarget('i1', '2.0.0', '2.0.0', { status: 'succeeded', changed: false })]],
  ])('nothing to measure: %s', (_name, op, targets) => {
    expect(analysisSubjectsOf(op, targets, live)).toBeNull();
  });
});

describe('analysisDue', () => {
  const running = { state: 'running' as const, dry_run: false };
  it.each([
    ['none yet, before the first interval', null, T0 + 10_000, false],
    ['none yet, one interval after the phase began', null, T0 + 30_000, true],
    ['half an interval after the last', T0 + 30_000, T0 + 45_000, false],
    ['an interval after the last', T0 + 30_000, T0 + 60_000, true],
  ])('%s', (_name, last, now, due) => {
    expect(analysisDue({ since: T0 }, last, running, 30, now)).toBe(due);
  });

  it('never once the phase failed or is inconclusive; still after success (a pause keeps being watched)', () => {
    expect(analysisDue({ since: T0 }, null, { state: 'failed', dry_run: false }, 30, T0 + 60_000)).toBe(false);
    // A provider whose first reading only starts a count takes it at once, then keeps the interval.
    expect(analysisDue({ since: T0 }, null, { state: 'running', dry_run: false }, 30, T0, true)).toBe(true);
    expect(analysisDue({ since: T0 }, T0, { state: 'running', dry_run: false }, 30, T0 + 10_000, true)).toBe(false);
    expect(analysisDue({ since: T0 }, null, { state: 'inconclusive', dry_run: false }, 30, T0 + 60_000)).toBe(false);
    expect(analysisDue({ since: T0 }, null, { state: 'successful', dry_run: false }, 30, T0 + 60_000)).toBe(true);
  });

  it('a dry run keeps recording after a failed or inconclusive judgement: nothing acts on it', () => {
    expect(analysisDue({ since: T0 }, null, { state: 'failed', dry_run: true }, 30, T0 + 60_000)).toBe(true);
    expect(analysisDue({ since: T0 }, null, { state: 'inconclusive', dry_run: true }, 30, T0 + 60_000)).toBe(true);
  });
});
