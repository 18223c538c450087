import { describe, expect, it } from 'vitest';
import type { StrategySpec } from '../types.js';
import { triggeredRollbackStrategy } from './triggered-rollback-strategy.js';

describe('triggeredRollbackStrategy', () => {
  it.each<[string, StrategySpec | null, number, { progress_deadline_s: number; healthy_deadline_s: number }]>([
    ['no strategy, max 10 min: the defaults fit', null, 10, { progress_deadline_s: 600, healthy_deadline_s: 120 }],
    ['no strategy, max 5 min: progress cut to 300 s', null, 5, { progress_deadline_s: 300, healthy_deadline_s: 120 }],
    ['long deadlines, max 1 min: both cut to 60 s', { type: 'rolling', batch_size: 1, progress_deadline_s: 3600, healthy_deadline_s: 900 }, 1, { progress_deadline_s: 60, healthy_deadline_s: 60 }],
    ['short deadlines stay', { type: 'all_at_once', progress_deadline_s: 30, healthy_deadline_s: 10 }, 10, { progress_deadline_s: 30, healthy_deadline_s: 10 }],
  ])('%s', (_name, strategy, max, expected) => {
    expect(triggeredRollbackStrategy(strategy, max)).toMatchObject(expected);
  });

  it('keeps the rest of the service strategy (the batch a rollback with traffic may use)', () => {
    expect(triggeredRollbackStrategy({ type: 'rolling', batch_size: 2 }, 10)).toMatchObject({ type: 'rolling', batch_size: 2 });
  });
});
