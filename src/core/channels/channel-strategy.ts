/**
 * The strategy of the operations channels start (CONTRACT §4 Channels). A channel is
 * already the canary, so neither of its operations may be a canary again: a promotion is
 * "a whole-service rolling deployment", and a canary strategy on a channel deploy would
 * pause a slice of a slice. Health timers and auto_rollback of the service's own strategy
 * still apply (they say how slowly the service starts), only the shape changes.
 *
 *   service strategy                     promotion                    channel deploy
 *   none                                 default rolling (25 %)       default rolling (25 %)
 *   rolling batch_size 2                 rolling batch_size 2         rolling batch_size 2
 *   all_at_once                          default rolling              all_at_once
 *   canary, healthy_deadline_s 300       default rolling, 300         default rolling, 300
 */
import { DEFAULT_STRATEGY } from '../operations/strategy.js';
import type { StrategySpec } from '../types.js';

/** A promotion: the service's strategy when it is rolling, else the default rolling one. */
export function promotionStrategy(serviceStrategy: StrategySpec | null): StrategySpec {
  if (serviceStrategy?.type === 'rolling') return serviceStrategy;
  return defaultRollingLike(serviceStrategy);
}

/** A channel deploy: the service's strategy unless it is a canary, else the default rolling one. */
export function channelDeployStrategy(serviceStrategy: StrategySpec | null): StrategySpec {
  if (serviceStrategy !== null && serviceStrategy.type !== 'canary') return serviceStrategy;
  return defaultRollingLike(serviceStrategy);
}

/** DEFAULT_STRATEGY, keeping the timers and auto_rollback the service declared. */
function defaultRollingLike(strategy: StrategySpec | null): StrategySpec {
  const kept: Record<string, number | boolean> = {};
  for (const key of ['min_healthy_time_s', 'healthy_deadline_s', 'progress_deadline_s', 'auto_rollback'] as const) {
    const value = strategy?.[key];
    if (value !== undefined) kept[key] = value;
  }
  return { ...DEFAULT_STRATEGY, ...kept } as StrategySpec;
}
