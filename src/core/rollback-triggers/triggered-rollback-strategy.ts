/**
 * The deadlines of a rollback a trigger starts. It must finish within ROLLBACK_MAX_MINUTES
 * (CONTRACT §5), so no wait of it may be longer: the service's progress and healthy
 * deadlines are kept when shorter and cut to that bound when not. A rollback already skips
 * canary steps and pauses (core/operations), so nothing else of the strategy makes it wait.
 *   service progress 600 s, healthy 120 s, max 5 min   → progress 300 s, healthy 120 s
 *   service progress 600 s, max 10 min                 → progress 600 s
 */
import { DEFAULT_STRATEGY, healthyDeadlineS, progressDeadlineS } from '../operations/strategy.js';
import type { StrategySpec } from '../types.js';

export function triggeredRollbackStrategy(serviceStrategy: StrategySpec | null, rollbackMaxMinutes: number): StrategySpec {
  const base = serviceStrategy ?? DEFAULT_STRATEGY;
  const boundS = Math.max(1, Math.floor(rollbackMaxMinutes * 60));
  return { ...base, progress_deadline_s: Math.min(progressDeadlineS(base), boundS), healthy_deadline_s: Math.min(healthyDeadlineS(base), boundS) };
}
