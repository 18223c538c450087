/**
 * Strategy arithmetic: how many instances an operation may change at once.
 * Rollbacks ignore steps and pauses (seed 000 R6): they change every target at once.
 */
import type { StrategySpec } from '../types.js';

export const DEFAULT_HEALTHY_DEADLINE_S = 120;
export const DEFAULT_PROGRESS_DEADLINE_S = 600;

/**
 * Batch size for a strategy over `total` instances, rounded up and at least 1.
 *   all_at_once, 10 instances            → 10
 *   rolling batch_size 2                 → 2
 *   rolling batch_percent 25, 10 inst.   → 3 (ceil 2.5)
 */
export function batchSize(strategy: StrategySpec, total: number): number {
  if (total <= 0) return 0;
  if (strategy.type === 'rolling') {
    if (strategy.batch_size !== undefined) return clamp(strategy.batch_size, total);
    if (strategy.batch_percent !== undefined) return clamp(Math.ceil((strategy.batch_percent * total) / 100), total);
    return 1;
  }
  if (strategy.type === 'canary' && strategy.batch_size !== undefined) return clamp(strategy.batch_size, total);
  return total;
}

function clamp(n: number, total: number): number {
  return Math.max(1, Math.min(total, Math.floor(n)));
}

export function healthyDeadlineS(strategy: StrategySpec | null): number {
  return strategy?.healthy_deadline_s ?? DEFAULT_HEALTHY_DEADLINE_S;
}
