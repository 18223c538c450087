/**
 * Safety properties of the rollback triggers over random releases, alerts, readings and a
 * fake clock: never outside the watch window, never for an alert younger than
 * critical_alert_minutes, never on a rate that is not a number, and a release is watched
 * only while its deployment is still the service's latest operation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOperation, makeService, T0 } from '../../testing/builders.js';
import { decideRollbackTrigger, type FiringAlert, type RateReading } from './decide-rollback-trigger.js';
import { watchedRelease, type WatchedRelease } from './watched-release.js';

const MIN = 60_000;

const triggersArb = fc.record(
  {
    watch_minutes: fc.integer({ min: 1, max: 120 }),
    critical_alert_minutes: fc.integer({ min: 0, max: 30 }),
    min_success_rate: fc.double({ min: 0, max: 1, noNaN: true }),
    max_error_rate_increase: fc.double({ min: 0, max: 1, noNaN: true }),
  },
  { requiredKeys: ['watch_minutes', 'critical_alert_minutes'] },
);

const rateArb = fc.oneof(fc.constant(null), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.double({ min: 0, max: 1, noNaN: true }));

const alertArb = fc.record({
  severity: fc.constantFrom('P0' as const, 'P1' as const, 'P2' as const),
  service: fc.constantFrom('hello', 'other'),
  startedOffsetMin: fc.integer({ min: -60, max: 180 }),
});

const caseArb = fc.record({
  triggers: triggersArb,
  deployMin: fc.integer({ min: 0, max: 60 }),
  nowOffsetMin: fc.double({ min: -30, max: 200, noNaN: true }),
  alerts: fc.array(alertArb, { maxLength: 4 }),
  rates: fc.record({ success_rate: rateArb, error_rate: rateArb, baseline_error_rate: rateArb }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function setup(c: Case) {
  const completedAt = T0 + c.deployMin * MIN;
  const op = makeOperation({ id: 'dep-2', status: 'succeeded', created_at: T0, completed_at: completedAt, updated_at: completedAt });
  const service = makeService({ desired_version: '2.0.0', previous_version: '1.0.0', rollback_triggers: c.triggers });
  const now = completedAt + c.nowOffsetMin * MIN;
  // The window is checked by both: the release is built as the watcher saw it at completion.
  const release = watchedRelease(service, op, completedAt)!;
  const firing: FiringAlert[] = c.alerts.map((a, i) => ({ id: `al-${i}`, name: 'NoReadyInstanceOnDesiredVersion', severity: a.severity, service: a.service, summary: 's', started_at: completedAt + a.startedOffsetMin * MIN }));
  const rates: RateReading = { deploy_id: 'dep-2', measured_at: Math.max(now, completedAt), ...c.rates };
  return { service, op, now, release, firing, rates, completedAt };
}

function inWindow(release: WatchedRelease, now: number): boolean {
  return now >= release.completed_at && now < release.until;
}

describe('rollback trigger properties', () => {
  it('never triggers outside the watch window, and watchedRelease agrees with the window', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { service, op, now, release, firing, rates } = setup(c);
        expect(watchedRelease(service, op, now) !== null).toBe(inWindow(release, now));
        if (!inWindow(release, now)) expect(decideRollbackTrigger({ release, firing, rates, now }).state).toBe('holding');
      }),
    );
  });

  it('an alert firing less than critical_alert_minutes never triggers', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { release, firing, now } = setup(c);
        const young = firing.filter((a) => now - a.started_at < release.triggers.critical_alert_minutes * MIN);
        expect(decideRollbackTrigger({ release, firing: young, rates: null, now }).state).toBe('holding');
      }),
    );
  });

  it('a NaN, infinite or missing rate never triggers and never counts as healthy', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(null, Number.NaN, Number.NEGATIVE_INFINITY), (c, bad) => {
        const { release, now } = setup(c);
        const rates: RateReading = { deploy_id: 'dep-2', measured_at: release.completed_at, success_rate: bad, error_rate: bad, baseline_error_rate: bad };
        const verdict = decideRollbackTrigger({ release, firing: [], rates, now });
        expect(verdict.state).toBe('holding');
        if (verdict.state === 'holding' && inWindow(release, now)) {
          if (release.triggers.min_success_rate !== undefined) expect(verdict.unmeasured).toContain('success_rate');
          if (release.triggers.max_error_rate_increase !== undefined) expect(verdict.unmeasured).toContain('error_rate');
        }
      }),
    );
  });

  it('a success rate lower than one that triggered also triggers (the SLO is a floor)', () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), (c, lower) => {
        const { release, now } = setup(c);
        const measure = (success: number): RateReading => ({ deploy_id: 'dep-2', measured_at: release.completed_at, success_rate: success, error_rate: null, baseline_error_rate: null });
        const first = decideRollbackTrigger({ release, firing: [], rates: measure(c.rates.success_rate ?? 1), now });
        if (first.state !== 'triggered' || !Number.isFinite(c.rates.success_rate ?? 1)) return;
        expect(decideRollbackTrigger({ release, firing: [], rates: measure(Math.min(lower, c.rates.success_rate ?? 1)), now }).state).toBe('triggered');
      }),
    );
  });

  it('a later operation of the service ends the watch: a trigger rolls a release back at most once', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom('rollback' as const, 'deploy' as const, 'restart' as const), (c, kind) => {
        const { service, now, completedAt } = setup(c);
        const later = makeOperation({ id: 'rb-1', kind, status: 'succeeded', created_at: completedAt + 1, completed_at: completedAt + 2, version: kind === 'restart' ? null : '1.0.0' });
        // After the rollback succeeded the desired version is 1.0.0 again; while it runs it is still 2.0.0. Neither watches.
        for (const desired of ['1.0.0', '2.0.0']) {
          for (const status of ['running', 'succeeded'] as const) {
            expect(watchedRelease({ ...service, desired_version: desired }, { ...later, status }, now)).toBeNull();
          }
        }
      }),
    );
  });
});
