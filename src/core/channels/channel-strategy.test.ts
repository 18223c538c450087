import { describe, expect, it } from 'vitest';
import type { StrategySpec } from '../types.js';
import { channelDeployStrategy, promotionStrategy } from './channel-strategy.js';

const DEFAULT = { type: 'rolling', batch_percent: 25 };

describe('the strategy of channel operations: never a canary', () => {
  it.each<[string, StrategySpec | null, unknown, unknown]>([
    ['no service strategy', null, DEFAULT, DEFAULT],
    ['rolling batch_size 2', { type: 'rolling', batch_size: 2 }, { type: 'rolling', batch_size: 2 }, { type: 'rolling', batch_size: 2 }],
    ['all_at_once', { type: 'all_at_once' }, DEFAULT, { type: 'all_at_once' }],
    ['canary with steps', { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] }, DEFAULT, DEFAULT],
    [
      'canary with timers',
      { type: 'canary', healthy_deadline_s: 300, min_healthy_time_s: 10, progress_deadline_s: 900, auto_rollback: false, batch_size: 3 },
      { ...DEFAULT, healthy_deadline_s: 300, min_healthy_time_s: 10, progress_deadline_s: 900, auto_rollback: false },
      { ...DEFAULT, healthy_deadline_s: 300, min_healthy_time_s: 10, progress_deadline_s: 900, auto_rollback: false },
    ],
    ['all_at_once with a deadline', { type: 'all_at_once', healthy_deadline_s: 60 }, { ...DEFAULT, healthy_deadline_s: 60 }, { type: 'all_at_once', healthy_deadline_s: 60 }],
  ])('%s', (_name, service, promotion, channelDeploy) => {
    expect(promotionStrategy(service)).toEqual(promotion);
    expect(channelDeployStrategy(service)).toEqual(channelDeploy);
  });
});
