/**
 * The rollback-trigger decision as named scenarios and tables on a fake clock: which
 * release is watched, and what rolls it back (an alert long enough, a rate past its
 * threshold), with the message naming what fired and the values.
 */
import { describe, expect, it } from 'vitest';
import { makeOperation, makeService, T0 } from '../../testing/builders.js';
import type { RollbackTriggersSpec } from '../analysis/analysis-spec.js';
import type { Operation } from '../types.js';
import { decideRollbackTrigger, type FiringAlert, type RateReading } from './decide-rollback-trigger.js';
import { watchedRelease, type WatchedRelease } from './watched-release.js';

const MIN = 60_000;
/** The deployment of 2.0.0 started at T0 and completed 2 minutes later. */
const COMPLETED = T0 + 2 * MIN;

function deployment(overrides: Partial<Operation> = {}): Operation {
  return makeOperation({ id: 'dep-2', version: '2.0.0', status: 'succeeded', created_at: T0, updated_at: COMPLETED, completed_at: COMPLETED, ...overrides });
}

function service(triggers: RollbackTriggersSpec | null = { watch_minutes: 30, min_success_rate: 0.99, max_error_rate_increase: 0.05 }) {
  return makeService({ desired_version: '2.0.0', previous_version: '1.0.0', rollback_triggers: triggers });
}

function release(triggers?: RollbackTriggersSpec): WatchedRelease {
  const watched = watchedRelease(service(triggers), deployment(), COMPLETED + MIN);
  if (watched === null) throw new Error('the release should be watched');
  return watched;
}

function reading(rates: Partial<RateReading> = {}): RateReading {
  return { deploy_id: 'dep-2', measured_at: COMPLETED + MIN, success_rate: null, error_rate: null, baseline_error_rate: null, ...rates };
}

function p0(startedAt: number, overrides: Partial<FiringAlert> = {}): FiringAlert {
  return { id: 'al-1', name: 'NoReadyInstanceOnDesiredVersion', severity: 'P0', service: 'hello', summary: 'hello has no ready instance on its desired version 2.0.0', started_at: startedAt, ...overrides };
}

describe('watchedRelease', () => {
  it.each([
    ['just after the deployment completed', service(), deployment(), COMPLETED, true],
    ['29 minutes after', service(), deployment(), COMPLETED + 29 * MIN, true],
    ['once watch_minutes have passed', service(), deployment(), COMPLETED + 30 * MIN, false],
    ['with watch_minutes defaulting to 30', service({}), deployment(), COMPLETED + 31 * MIN, false],
    ['for a service without rollback_triggers', service(null), deployment(), COMPLETED + MIN, false],
    ['for a deployment of some instances', service(), deployment({ whole_service: false }), COMPLETED + MIN, false],
    ['for a deployment that was rolled back', service(), deployment({ status: 'rolled_back' }), COMPLETED + MIN, false],
    ['for a rollback (the latest operation after the deployment)', service(), deployment({ id: 'rb-1', kind: 'rollback', version: '2.0.0' }), COMPLETED + MIN, false],
    ['for a restart', service(), deployment({ kind: 'restart' }), COMPLETED + MIN, false],
    ['when the service has no previous version', makeService({ desired_version: '2.0.0', rollback_triggers: {} }), deployment(), COMPLETED + MIN, false],
  ])('%s: watched %s', (_name, svc, op, now, watched) => {
    expect(watchedRelease(svc, op, now) !== null).toBe(watched);
  });

  it('names the deployment, both versions and the end of the watch', () => {
    expect(watchedRelease(service({ watch_minutes: 10 }), deployment(), COMPLETED)).toMatchObject({
      deploy_id: 'dep-2',
      version: '2.0.0',
      previous_version: '1.0.0',
      started_at: T0,
      until: COMPLETED + 10 * MIN,
      triggers: { watch_minutes: 10, critical_alert_minutes: 5 },
    });
  });
});

describe('decideRollbackTrigger: alerts', () => {
  it('a P0 alert of the service firing for critical_alert_minutes rolls back with trigger alert, naming the alert', () => {
    const verdict = decideRollbackTrigger({ release: release(), firing: [p0(COMPLETED + MIN)], rates: null, now: COMPLETED + 6 * MIN });
    expect(verdict).toMatchObject({ state: 'triggered', trigger: 'alert', reason: { code: 'rollback_triggered', trigger: 'alert', deploy_id: 'dep-2' } });
    expect(verdict.state === 'triggered' && verdict.reason.message).toMatch(/^rolling hello back to 1\.0\.0: P0 alert NoReadyInstanceOnDesiredVersion \(al-1\) has fired for 5 min \(critical_alert_minutes 5\)/);
  });

  it.each([
    ['a P0 firing 4 minutes of 5', p0(COMPLETED + 2 * MIN)],
    ['a P1 firing long enough', p0(COMPLETED, { severity: 'P1' })],
    ["another service's P0", p0(COMPLETED, { service: 'other' })],
    ['a P0 firing since before the deployment started', p0(T0 - MIN)],
  ])('%s does not roll back', (_name, alert) => {
    expect(decideRollbackTrigger({ release: release({}), firing: [alert], rates: null, now: COMPLETED + 6 * MIN })).toEqual({ state: 'holding', unmeasured: [] });
  });

  it('critical_alert_minutes 0 rolls back on the first sight of a P0', () => {
    expect(decideRollbackTrigger({ release: release({ critical_alert_minutes: 0 }), firing: [p0(COMPLETED + MIN)], rates: null, now: COMPLETED + MIN }).state).toBe('triggered');
  });
});

describe('decideRollbackTrigger: rates', () => {
  it.each([
    ['success 0.5 under the SLO 0.99', { success_rate: 0.5 }, /the success rate of 2\.0\.0 is 0\.5, below min_success_rate 0\.99, 60 s after deployment dep-2 completed/],
    ['error 0.4 with no success query: success 0.6 under the SLO', { error_rate: 0.4 }, /success rate of 2\.0\.0 is 0\.6, below/],
    ['success 0.995 within the SLO, but errors 0.08 above the previous version', { success_rate: 0.995, error_rate: 0.09, baseline_error_rate: 0.01 }, /error rate of 2\.0\.0 is 0\.09, 0\.08 above 1\.0\.0's 0\.01 \(max_error_rate_increase 0\.05\)/],
  ])('%s rolls back with trigger analysis', (_name, rates, message) => {
    const verdict = decideRollbackTrigger({ release: release(), firing: [], rates: reading(rates), now: COMPLETED + MIN });
    expect(verdict).toMatchObject({ state: 'triggered', trigger: 'analysis', reason: { code: 'rollback_triggered', trigger: 'analysis' } });
    expect(verdict.state === 'triggered' && verdict.reason.message).toMatch(message);
  });

  it.each([
    ['healthy rates', { success_rate: 0.999, error_rate: 0.001, baseline_error_rate: 0.001 }, []],
    ['an increase of exactly the maximum', { success_rate: 0.999, error_rate: 0.06, baseline_error_rate: 0.01 }, []],
    ['no baseline (the previous version had no traffic)', { success_rate: 0.999, error_rate: 0.5, baseline_error_rate: null }, ['baseline_error_rate']],
    ['NaN rates (no requests: 0/0)', { success_rate: Number.NaN, error_rate: Number.NaN, baseline_error_rate: 0 }, ['success_rate', 'error_rate']],
    ['an infinite rate', { success_rate: Number.POSITIVE_INFINITY, error_rate: null, baseline_error_rate: 0 }, []],
  ])('%s hold, unmeasured %j', (_name, rates, unmeasured) => {
    const verdict = decideRollbackTrigger({ release: release(), firing: [], rates: reading(rates), now: COMPLETED + MIN });
    expect(verdict.state).toBe('holding');
    if (unmeasured.length > 0) expect(verdict).toEqual({ state: 'holding', unmeasured });
  });

  it('a reading taken before the deployment completed, or of another deployment, is not a measurement of the release', () => {
    for (const stale of [reading({ success_rate: 0.1, measured_at: COMPLETED - 1 }), reading({ success_rate: 0.1, deploy_id: 'dep-1' })]) {
      expect(decideRollbackTrigger({ release: release(), firing: [], rates: stale, now: COMPLETED + MIN })).toEqual({ state: 'holding', unmeasured: ['success_rate', 'error_rate', 'baseline_error_rate'] });
    }
  });

  it('without rate thresholds, bad rates decide nothing', () => {
    expect(decideRollbackTrigger({ release: release({}), firing: [], rates: reading({ success_rate: 0 }), now: COMPLETED + MIN })).toEqual({ state: 'holding', unmeasured: [] });
  });

  it('an alert long enough wins over a bad rate: the trigger is alert', () => {
    const verdict = decideRollbackTrigger({ release: release(), firing: [p0(COMPLETED)], rates: reading({ success_rate: 0 }), now: COMPLETED + 5 * MIN });
    expect(verdict).toMatchObject({ state: 'triggered', trigger: 'alert' });
  });
});
