import { describe, expect, it } from 'vitest';
import { makeInstance, makeIsolation, makeOperation } from '../../testing/builders.js';
import { initialRollout } from '../types.js';
import { applyAlertPlan, CONFIG, serviceState, snapshotOf, T0 } from '../../testing/alert-fixtures.js';
import { planAlerts } from './plan-alerts.js';

const NOW = T0 + 600_000;
const ready = () => [makeInstance('i1', '2.0.0'), makeInstance('i2', '2.0.0')];
const names = (plan: ReturnType<typeof planAlerts>) => plan.open.map((a) => a.cause_key).sort();

describe('planAlerts, one scenario per rule', () => {
  const cases: Array<{ scenario: string; state: ReturnType<typeof serviceState>; heartbeats?: Map<string, number>; expect: string[] }> = [
    { scenario: 'a healthy service on its desired version raises nothing', state: serviceState(ready()), expect: [] },
    {
      scenario: 'a deployment rolled back automatically: P0 and Ferry’s rollback',
      state: serviceState(ready(), [makeOperation({ id: 'dep-3', version: '3.0.0', status: 'rolled_back', reason: { code: 'version_mismatch', message: 'i1 answered 2.0.0' }, completed_at: NOW - 1000, updated_at: NOW - 1000 })]),
      expect: ['DeploymentRolledBack:hello:dep-3', 'RollbackPerformed:hello:dep-3'],
    },
    {
      scenario: 'a deployment failed with no automatic rollback',
      state: serviceState(ready(), [makeOperation({ id: 'dep-3', status: 'failed', auto_rollback: false, completed_at: NOW - 1000 })]),
      expect: ['DeploymentFailed:hello:dep-3'],
    },
    {
      scenario: 'an aborted deployment is a DeploymentFailed, not a rollback by Ferry',
      state: serviceState(ready(), [makeOperation({ id: 'dep-3', status: 'aborted', rollout: { ...initialRollout(T0), abort: { actor: 'bob', at: T0 } }, completed_at: NOW - 1000 })]),
      expect: ['DeploymentFailed:hello:dep-3'],
    },
    {
      scenario: 'a rollback by a person, still running',
      state: serviceState(ready(), [makeOperation({ id: 'rb-1', kind: 'rollback', version: '1.0.0', status: 'running', actor: 'carol', created_at: NOW - 60_000 })]),
      expect: ['RollbackPerformed:hello:rb-1'],
    },
    {
      scenario: 'a rollback a rollback trigger started pages P0 like a deployment rolled back automatically',
      state: serviceState(ready(), [
        makeOperation({ id: 'rb-1', kind: 'rollback', version: '1.0.0', status: 'running', actor: 'ferry:rollback-trigger', reason: { code: 'rollback_triggered', message: 'success rate 0.2' }, created_at: NOW - 60_000 }),
      ]),
      expect: ['DeploymentRolledBack:hello:rb-1', 'RollbackPerformed:hello:rb-1'],
    },
    {
      scenario: 'a rollback running longer than ROLLBACK_MAX_MINUTES is also slow',
      state: serviceState(ready(), [makeOperation({ id: 'rb-1', kind: 'rollback', version: '1.0.0', status: 'running', created_at: NOW - 11 * 60_000 })]),
      expect: ['RollbackPerformed:hello:rb-1', 'RollbackSlow:hello:rb-1'],
    },
    {
      scenario: 'a failed verify check',
      state: serviceState(ready(), [makeOperation({ id: 'dep-3', status: 'rolled_back', reason: { code: 'verify_failed', message: 'GET /check: 500' }, completed_at: NOW - 1000 })]),
      expect: ['DeploymentRolledBack:hello:dep-3', 'RollbackPerformed:hello:dep-3', 'VerificationFailed:hello:dep-3'],
    },
    {
      scenario: 'a missed progress deadline',
      state: serviceState(ready(), [makeOperation({ id: 'dep-3', status: 'failed', auto_rollback: false, reason: { code: 'progress_deadline_exceeded', message: 'waiting on i1' }, completed_at: NOW - 1000 })]),
      expect: ['DeploymentFailed:hello:dep-3', 'ProgressDeadlineExceeded:hello:dep-3'],
    },
    {
      scenario: 'no ready instance on the desired version between operations',
      state: serviceState([makeInstance('i1', '1.0.0'), makeInstance('i2', '2.0.0', { observed: { ...makeInstance('x', '2.0.0').observed!, status: 'crashed' } })]),
      expect: ['NoReadyInstanceOnDesiredVersion:hello'],
    },
    {
      scenario: 'no ready instance is expected while an operation runs: nothing',
      state: serviceState([makeInstance('i1', '3.0.0')], [makeOperation({ id: 'dep-3', version: '3.0.0', status: 'running' })]),
      expect: [],
    },
    {
      scenario: 'drift longer than FERRY_ALERT_DRIFT_S',
      state: serviceState([...ready(), makeInstance('i3', '0.9.0', { isolation: makeIsolation({ since: NOW - 61_000 }) })]),
      expect: ['DriftPersisting:hello:i3'],
    },
    {
      scenario: 'a failed replay after a rollback holds instances: one VerificationFailed per replay',
      state: serviceState([...ready(), makeInstance('i3', '2.0.0', { replay_hold: { replay_id: 'rp-rb-1', failed: true, since: NOW - 1000 } }), makeInstance('i4', '2.0.0', { replay_hold: { replay_id: 'rp-rb-1', failed: true, since: NOW - 1000 } })]),
      expect: ['VerificationFailed:hello:rp-rb-1'],
    },
    { scenario: 'a replay after a rollback still running holds instances: nothing yet', state: serviceState([...ready(), makeInstance('i3', '2.0.0', { replay_hold: { replay_id: 'rp-rb-1', failed: false, since: NOW } })]), expect: [] },
    { scenario: 'drift younger than FERRY_ALERT_DRIFT_S: not yet', state: serviceState([...ready(), makeInstance('i3', '0.9.0', { isolation: makeIsolation({ since: NOW - 59_000 }) })]), expect: [] },
    {
      scenario: 'a host silent for more than three heartbeats, per service it runs',
      state: serviceState(ready()),
      heartbeats: new Map([['host-i1', NOW - 16_000], ['host-i2', NOW - 1000]]),
      expect: ['AgentSilent:hello:host-i1'],
    },
    { scenario: 'a host that never reported is not silent', state: serviceState(ready()), heartbeats: new Map([['host-i2', NOW - 1000]]), expect: [] },
  ];
  it.each(cases)('$scenario', ({ state, heartbeats, expect: expected }) => {
    expect(names(planAlerts(snapshotOf([state], NOW, [], heartbeats), CONFIG))).toEqual(expected.sort());
  });
});

describe('planAlerts, fields and lifetimes', () => {
  const rolledBack = makeOperation({ id: 'dep-3', version: '3.0.0', status: 'rolled_back', correlation_id: 'corr-9', reason: { code: 'version_mismatch', message: 'x' }, completed_at: NOW - 1000, updated_at: NOW - 1000 });

  it('fills every field of the contract from the operation, the service and the defaults', () => {
    const [alert] = planAlerts(snapshotOf([serviceState(ready(), [rolledBack])], NOW), CONFIG).open.filter((a) => a.name === 'DeploymentRolledBack');
    expect(alert).toEqual({
      name: 'DeploymentRolledBack',
      severity: 'P0',
      service: 'hello',
      cause_key: 'DeploymentRolledBack:hello:dep-3',
      summary: 'deployment dep-3 of hello to 3.0.0 was rolled back automatically: x',
      current_version: '3.0.0',
      previous_version: '2.0.0',
      deploy_id: 'dep-3',
      rollback_id: null,
      correlation_id: 'corr-9',
      runbook_url: 'https://runbooks.test/ferry/DeploymentRolledBack',
      oncall: 'platform',
      started_at: NOW - 1000,
    });
  });

  it("takes the service's own oncall and runbook over the defaults", () => {
    const state = serviceState(ready(), [rolledBack], { routing: { oncall: 'team-hello', runbooks: { DeploymentRolledBack: 'https://wiki.test/hello-rollback' } } });
    const alerts = planAlerts(snapshotOf([state], NOW), CONFIG).open;
    expect(alerts.find((a) => a.name === 'DeploymentRolledBack')).toMatchObject({ oncall: 'team-hello', runbook_url: 'https://wiki.test/hello-rollback' });
    expect(alerts.find((a) => a.name === 'RollbackPerformed')).toMatchObject({ oncall: 'team-hello', runbook_url: 'https://runbooks.test/ferry/RollbackPerformed' });
    expect(planAlerts(snapshotOf([state], NOW), { ...CONFIG, runbookBaseUrl: null, defaultOncall: null }).open.find((a) => a.name === 'RollbackPerformed')).toMatchObject({ runbook_url: null, oncall: 'team-hello' });
  });

  it('opens nothing for a cause already firing, and resolves an operation alert when a later deployment succeeds', () => {
    let firing = applyAlertPlan([], planAlerts(snapshotOf([serviceState(ready(), [rolledBack])], NOW), CONFIG));
    expect(firing).toHaveLength(2);
    expect(planAlerts(snapshotOf([serviceState(ready(), [rolledBack])], NOW + 5000, firing), CONFIG)).toEqual({ open: [], resolve: [] });
    const fixed = makeOperation({ id: 'dep-4', version: '3.0.1', status: 'succeeded', created_at: NOW + 10_000, completed_at: NOW + 20_000 });
    const plan = planAlerts(snapshotOf([serviceState(ready(), [fixed, rolledBack])], NOW + 30_000, firing), CONFIG);
    expect(plan.open).toEqual([]);
    expect(plan.resolve.map((r) => r.cause_key).sort()).toEqual(['DeploymentRolledBack:hello:dep-3', 'RollbackPerformed:hello:dep-3']);
    firing = applyAlertPlan(firing, plan);
    expect(firing).toEqual([]);
  });

  it('resolves an operation alert after the hold when nothing else happens', () => {
    const firing = applyAlertPlan([], planAlerts(snapshotOf([serviceState(ready(), [rolledBack])], NOW), CONFIG));
    expect(planAlerts(snapshotOf([serviceState(ready(), [rolledBack])], NOW - 1000 + CONFIG.holdS * 1000, firing), CONFIG).resolve).toEqual([]);
    expect(planAlerts(snapshotOf([serviceState(ready(), [rolledBack])], NOW + CONFIG.holdS * 1000, firing), CONFIG).resolve).toHaveLength(2);
  });

  it('resolves a state alert when its condition clears, and a second episode is a new alert', () => {
    const drifted = serviceState([...ready(), makeInstance('i3', '0.9.0', { isolation: makeIsolation({ since: NOW - 61_000 }) })]);
    const firing = applyAlertPlan([], planAlerts(snapshotOf([drifted], NOW), CONFIG));
    const healed = serviceState([...ready(), makeInstance('i3', '2.0.0')]);
    const plan = planAlerts(snapshotOf([healed], NOW + 1000, firing), CONFIG);
    expect(plan.resolve.map((r) => r.cause_key)).toEqual(['DriftPersisting:hello:i3']);
    expect(planAlerts(snapshotOf([drifted], NOW + 2000, applyAlertPlan(firing, plan)), CONFIG).open.map((a) => a.cause_key)).toEqual(['DriftPersisting:hello:i3']);
  });

  it('right after a server restart, a heartbeat missed while it was down is not silence', () => {
    const stale = new Map([['host-i1', NOW - 600_000], ['host-i2', NOW - 600_000]]);
    const justStarted = { ...snapshotOf([serviceState(ready())], NOW, [], stale), watchingSince: NOW - 1000 };
    expect(planAlerts(justStarted, CONFIG).open).toEqual([]);
    const later = { ...justStarted, now: NOW + 15_000 };
    expect(planAlerts(later, CONFIG).open.map((a) => a.cause_key).sort()).toEqual(['AgentSilent:hello:host-i1', 'AgentSilent:hello:host-i2', 'NoReadyInstanceOnDesiredVersion:hello']);
  });

  it('resolves the alerts of a service that no longer exists', () => {
    const firing = applyAlertPlan([], planAlerts(snapshotOf([serviceState(ready(), [rolledBack])], NOW), CONFIG));
    expect(planAlerts(snapshotOf([], NOW + 1000, firing), CONFIG).resolve).toHaveLength(2);
  });
});
