import { describe, expect, it } from 'vitest';
import { controlSummary, type ControlAction, type DeploymentDetail } from './control-summary.js';

const progress = (completed: number, total: number) => ({ total, completed, failed: 0, pending: total - completed });
const canary = (step: number | null, pause: NonNullable<DeploymentDetail['rollout']>['pause'] = null) => ({ step, steps: 2, pause, batch_size: 1, in_flight: 0 });
const rolling = (pause: NonNullable<DeploymentDetail['rollout']>['pause'] = null) => ({ step: null, steps: 0, pause, batch_size: 2, in_flight: 2 });

describe('controlSummary', () => {
  it.each<[ControlAction, DeploymentDetail | null, string]>([
    ['promote', { deploy_id: 'dep-1', status: 'running', progress: progress(4, 8), rollout: canary(2) }, 'dep-1 promoted: running, step 2/2, 4/8 done'],
    ['promote', { deploy_id: 'dep-1', status: 'paused', rollout: canary(2, { kind: 'until_promoted', until: null }) }, 'dep-1 promoted: paused until promoted, step 2/2'],
    ['pause', { deploy_id: 'dep-1', status: 'running', progress: progress(2, 8), rollout: rolling() }, 'dep-1 pausing: running, 2/8 done'],
    ['pause', { deploy_id: 'dep-1', status: 'paused', progress: progress(2, 8), rollout: rolling({ kind: 'user', until: null }) }, 'dep-1 paused: paused by user, 2/8 done'],
    ['resume', { deploy_id: 'dep-1', status: 'running', progress: progress(2, 8), rollout: rolling() }, 'dep-1 resumed: running, 2/8 done'],
    ['abort', { deploy_id: 'dep-1', status: 'rolling_back', progress: progress(2, 8) }, 'dep-1 aborting: rolling_back, 2/8 done'],
    ['abort', { deploy_id: 'dep-1', status: 'aborted', progress: progress(0, 8) }, 'dep-1 aborted: aborted, 0/8 done'],
    ['promote', { status: 'running' }, 'dep-asked promoted: running'],
    ['resume', null, 'dep-asked resumed'],
    ['abort', {} as DeploymentDetail, 'dep-asked aborted'],
  ])('%s %j', (action, detail, expected) => {
    expect(controlSummary(action, 'dep-asked', detail)).toBe(expected);
  });
});
