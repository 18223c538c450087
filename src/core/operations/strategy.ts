/**
 * Strategy arithmetic: how many instances an operation may change at once, where canary
 * steps end, and the timers of its health gates (CONTRACT §2 `strategy`).
 * Rollbacks ignore steps and pauses (seed 000 R6): they change every target at once.
 */
import type { OperationKind, StrategySpec } from '../types.js';

export const DEFAULT_HEALTHY_DEADLINE_S = 120;
export const DEFAULT_PROGRESS_DEADLINE_S = 600;
/** Default min_healthy_time_s of rolling and canary strategies; all at once and rollbacks use 0. */
export const DEFAULT_MIN_HEALTHY_TIME_S = 5;

/** What `{"type":"canary"}` with no steps means: RELEASE_CANARY_RATIO and RELEASE_CANARY_DURATION_MIN. */
export interface CanaryDefaults {
  ratio: number;
  durationMin: number;
}

export const DEFAULT_CANARY: CanaryDefaults = { ratio: 0.1, durationMin: 30 };

/**
 * The strategy of a deployment that names none and whose service has none (CONTRACT §2):
 * a quarter of the instances at a time, at least one, so a bad release never reaches the
 * whole fleet at once. 4 instances → 4 batches of 1; 10 → 3, 3, 3, 1.
 */
export const DEFAULT_STRATEGY: StrategySpec = { type: 'rolling', batch_percent: 25 };

/**
 * Batch size for a strategy over `total` instances, rounded up and at least 1.
 *   all_at_once, 10 instances            → 10
 *   rolling batch_size 2                 → 2
 *   rolling batch_percent 25, 10 inst.   → 3 (ceil 2.5)
 *   canary, after its steps, no batch    → 10 (the rest at once)
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

/**
 * Cumulative instance counts at the end of each canary step: shares of `total`, rounded
 * up, at least 1, never above `total`, never below the step before.
 *   steps [{instances:1}], 4 instances             → [1]
 *   steps [{percent:10},{percent:50}], 10 inst.    → [1, 5]
 *   steps [{percent:25}], 3 instances              → [1]   (ceil 0.75)
 *   steps [{weight:10},{weight:50}], 8 instances   → [1, 4]
 */
export function canaryStepCounts(strategy: StrategySpec, total: number): number[] {
  if (strategy.type !== 'canary' || total <= 0) return [];
  const counts: number[] = [];
  for (const step of strategy.steps ?? []) {
    // A weight step with no size of its own takes about its share of the instances, so no
    // instance carries much more than its usual load: weight 10 of 10 instances → 1.
    const raw = step.instances ?? Math.ceil(((step.percent ?? step.weight ?? 0) * total) / 100);
    counts.push(Math.max(counts.at(-1) ?? 1, Math.min(total, Math.max(1, raw))));
  }
  return counts;
}

/**
 * Resolves `{"type":"canary"}` without steps into one step of `ratio` of the instances
 * that pauses `durationMin` minutes. Done when the operation is built and stored, so a
 * restarted server keeps the same plan even if the environment changed.
 */
export function resolveCanaryDefaults(strategy: StrategySpec, defaults: CanaryDefaults): StrategySpec {
  if (strategy.type !== 'canary' || (strategy.steps !== undefined && strategy.steps.length > 0)) return strategy;
  return { ...strategy, steps: [{ percent: defaults.ratio * 100, pause_s: defaults.durationMin * 60 }] };
}

export function healthyDeadlineS(strategy: StrategySpec | null): number {
  return strategy?.healthy_deadline_s ?? DEFAULT_HEALTHY_DEADLINE_S;
}

export function progressDeadlineS(strategy: StrategySpec): number {
  return strategy.progress_deadline_s ?? DEFAULT_PROGRESS_DEADLINE_S;
}

/** How long a target must stay ready on its version before it counts as healthy. */
export function minHealthyTimeS(strategy: StrategySpec, kind: OperationKind): number {
  if (kind === 'rollback') return 0;
  if (strategy.min_healthy_time_s !== undefined) return strategy.min_healthy_time_s;
  return strategy.type === 'all_at_once' ? 0 : DEFAULT_MIN_HEALTHY_TIME_S;
}

function clamp(n: number, total: number): number {
  return Math.max(1, Math.min(total, Math.floor(n)));
}
