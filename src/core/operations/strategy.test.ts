import { describe, expect, it } from 'vitest';
import type { StrategySpec } from '../types.js';
import { batchSize, DEFAULT_HEALTHY_DEADLINE_S, healthyDeadlineS } from './strategy.js';

describe('batchSize', () => {
  const cases: Array<[string, StrategySpec, number, number]> = [
    ['all_at_once of 10 → 10', { type: 'all_at_once' }, 10, 10],
    ['all_at_once of 1 → 1', { type: 'all_at_once' }, 1, 1],
    ['rolling with no size of 10 → 1', { type: 'rolling' }, 10, 1],
    ['rolling batch_size 2 of 10 → 2', { type: 'rolling', batch_size: 2 }, 10, 2],
    ['rolling batch_size 5 of 3 → 3 (never more than the fleet)', { type: 'rolling', batch_size: 5 }, 3, 3],
    ['rolling batch_size 0 of 4 → 1 (at least one)', { type: 'rolling', batch_size: 0 }, 4, 1],
    ['rolling batch_size -3 of 4 → 1', { type: 'rolling', batch_size: -3 }, 4, 1],
    ['rolling batch_size 2.7 of 10 → 2 (whole instances)', { type: 'rolling', batch_size: 2.7 }, 10, 2],
    ['rolling batch_percent 25 of 10 → 3 (ceil 2.5)', { type: 'rolling', batch_percent: 25 }, 10, 3],
    ['rolling batch_percent 50 of 10 → 5', { type: 'rolling', batch_percent: 50 }, 10, 5],
    ['rolling batch_percent 10 of 3 → 1 (ceil 0.3)', { type: 'rolling', batch_percent: 10 }, 3, 1],
    ['rolling batch_percent 0 of 10 → 1 (at least one)', { type: 'rolling', batch_percent: 0 }, 10, 1],
    ['rolling batch_percent 100 of 7 → 7', { type: 'rolling', batch_percent: 100 }, 7, 7],
    ['rolling batch_percent 250 of 4 → 4', { type: 'rolling', batch_percent: 250 }, 4, 4],
    ['rolling batch_size 2 and batch_percent 50 of 10 → 2 (size wins)', { type: 'rolling', batch_size: 2, batch_percent: 50 }, 10, 2],
    ['canary with batch_size 3 of 10 → 3', { type: 'canary', batch_size: 3 }, 10, 3],
    ['canary with no batch_size of 10 → 10', { type: 'canary' }, 10, 10],
    ['any strategy of 0 instances → 0', { type: 'rolling', batch_size: 2 }, 0, 0],
    ['all_at_once of 0 instances → 0', { type: 'all_at_once' }, 0, 0],
  ];
  it.each(cases)('%s', (_name, strategy, total, expected) => {
    expect(batchSize(strategy, total)).toBe(expected);
  });
});

describe('healthyDeadlineS', () => {
  it('takes the strategy healthy_deadline_s: rolling with 30 → 30', () => {
    expect(healthyDeadlineS({ type: 'rolling', healthy_deadline_s: 30 })).toBe(30);
  });
  it('defaults to 120 when the strategy has none', () => {
    expect(healthyDeadlineS({ type: 'all_at_once' })).toBe(120);
    expect(DEFAULT_HEALTHY_DEADLINE_S).toBe(120);
  });
  it('defaults to 120 with no strategy at all', () => {
    expect(healthyDeadlineS(null)).toBe(120);
  });
});
