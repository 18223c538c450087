import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../alerts/alert-types.js';
import { judgePromotion, type PromotionInput } from './promotion-rules.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

function alert(over: Partial<Alert>): Alert {
  return {
    id: 'al-1', name: 'DeploymentFailed', severity: 'P1', state: 'firing', service: 'web', cause_key: 'DeploymentFailed:web:dep-1',
    summary: 'failed', current_version: '2.0.0', previous_version: '1.0.0', deploy_id: 'dep-1', rollback_id: null, correlation_id: 'c',
    runbook_url: null, oncall: null, started_at: T0 + MIN, resolved_at: null, ...over,
  };
}

/** The canary started at T0, succeeded a minute later, soaks 30 minutes; now is 45 minutes after T0. */
function input(over: Partial<PromotionInput> = {}): PromotionInput {
  return {
    from: { name: 'canary', version: '2.0.0', started_at: T0, soak_started_at: T0 + MIN },
    to: { name: 'stable', version: '1.0.0', started_at: null, soak_started_at: null },
    alerts: [],
    shortfall: null,
    enforced: false,
    minSoakMinutes: 30,
    now: T0 + 45 * MIN,
    ...over,
  };
}

const codes = (i: PromotionInput) => {
  const verdict = judgePromotion(i);
  return verdict.ok ? [] : verdict.reasons.map((r) => r.code);
};

describe('judgePromotion', () => {
  it.each<[string, Partial<PromotionInput>, string[]]>([
    ['soaked, quiet, not enforced → ok', {}, []],
    ['exactly the soak elapsed → ok', { now: T0 + 31 * MIN }, []],
    ['soak 0 → ok right after success', { minSoakMinutes: 0, now: T0 + MIN }, []],
    ['a minute short of the soak', { now: T0 + 30 * MIN }, ['soak_not_elapsed']],
    ['still deploying (no soak start)', { from: { name: 'canary', version: '2.0.0', started_at: T0, soak_started_at: null } }, ['soak_not_elapsed']],
    ['a P1 firing', { alerts: [alert({})] }, ['alert_firing']],
    ['a P0 firing since before the canary', { alerts: [alert({ name: 'DeploymentRolledBack', severity: 'P0', started_at: T0 - 60 * MIN })] }, ['alert_firing']],
    ['a P1 started since the canary, now resolved', { alerts: [alert({ state: 'resolved', resolved_at: T0 + 2 * MIN })] }, ['alert_firing']],
    ['a P1 resolved before the canary started', { alerts: [alert({ state: 'resolved', started_at: T0 - 10 * MIN, resolved_at: T0 - MIN })] }, []],
    ['a P2 firing does not block', { alerts: [alert({ name: 'RollbackSlow', severity: 'P2' })] }, []],
    ['not admitted but not enforced', { shortfall: { failed_checks: ['quality'], missing_checks: [] } }, []],
    ['not admitted and enforced', { enforced: true, shortfall: { failed_checks: ['quality'], missing_checks: ['security'] } }, ['not_admitted']],
    ['admitted and enforced', { enforced: true, shortfall: null }, []],
    ['stable already runs it', { to: { name: 'stable', version: '2.0.0', started_at: null, soak_started_at: null } }, ['same_version']],
    ['nothing on the channel', { from: { name: 'canary', version: null, started_at: null, soak_started_at: null }, alerts: [alert({})] }, ['channel_empty']],
    [
      'every reason at once',
      { now: T0 + 10 * MIN, alerts: [alert({})], enforced: true, shortfall: { failed_checks: [], missing_checks: ['rollout'] }, to: { name: 'stable', version: '2.0.0', started_at: null, soak_started_at: null } },
      ['same_version', 'soak_not_elapsed', 'alert_firing', 'not_admitted'],
    ],
  ])('%s', (_name, over, expected) => {
    expect(codes(input(over))).toEqual(expected);
  });

  it('says how many minutes of soak are left, rounded up', () => {
    // Soak started at T0+1min, 30 needed, now T0+13.5min: 12.5 elapsed, 17.5 left → 18.
    const verdict = judgePromotion(input({ now: T0 + 13.5 * MIN }));
    expect(verdict).toEqual({ ok: false, reasons: [expect.objectContaining({ code: 'soak_not_elapsed', minutes_left: 18, min_soak_minutes: 30 })] });
  });

  it('names the blocking alerts and the missing checks', () => {
    const verdict = judgePromotion(input({ alerts: [alert({ id: 'al-9' })], enforced: true, shortfall: { failed_checks: ['quality'], missing_checks: ['security'] } }));
    expect(verdict).toEqual({
      ok: false,
      reasons: [
        expect.objectContaining({ code: 'alert_firing', alerts: [{ alert_id: 'al-9', name: 'DeploymentFailed', severity: 'P1', state: 'firing' }] }),
        expect.objectContaining({ code: 'not_admitted', failed_checks: ['quality'], missing_checks: ['security'] }),
      ],
    });
  });

  it.each([
    ['replay unnamed and not passed: said', { failed_checks: [], missing_checks: [], replay_passed: false }, '2.0.0 is not admitted: replay has not passed'],
    ['replay named as missing: not said twice', { failed_checks: [], missing_checks: ['replay'], replay_passed: false }, '2.0.0 is not admitted: missing replay'],
    ['replay passed', { failed_checks: ['quality'], missing_checks: [], replay_passed: true }, '2.0.0 is not admitted: failed quality'],
  ])('the not_admitted message: %s', (_name, shortfall, message) => {
    const verdict = judgePromotion(input({ enforced: true, shortfall }));
    expect(verdict).toEqual({ ok: false, reasons: [{ code: 'not_admitted', message, ...shortfall }] });
  });
});

describe('judgePromotion properties', () => {
  it('waiting never hurts: a promotion allowed now is allowed later, and a soak reason only shrinks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 24 * 60 }), fc.integer({ min: 0, max: 24 * 60 }), (soak, elapsed, more) => {
        const at = (minutes: number) => judgePromotion(input({ minSoakMinutes: soak, now: T0 + MIN + minutes * MIN }));
        const before = at(elapsed);
        const after = at(elapsed + more);
        if (before.ok) expect(after.ok).toBe(true);
        const left = (v: ReturnType<typeof judgePromotion>) => {
          const reason = v.ok ? undefined : v.reasons.find((r) => r.code === 'soak_not_elapsed');
          return reason?.code === 'soak_not_elapsed' ? reason.minutes_left : 0;
        };
        expect(left(after)).toBeLessThanOrEqual(left(before));
        expect(before.ok).toBe(elapsed >= soak);
      }),
    );
  });
});
