/** What PUT refuses in rollback_triggers: thresholds nothing can measure, queries with unknown placeholders. */
import { describe, expect, it } from 'vitest';
import type { AnalysisSpec, RollbackTriggersSpec } from '../analysis/analysis-spec.js';
import { checkRollbackTriggers } from './check-rollback-triggers.js';

const prometheus: AnalysisSpec = { provider: 'prometheus', address: 'http://127.0.0.1:9090', queries: [{ name: 'errors', query: 'up', success: '== 1' }] };
const haproxy: AnalysisSpec = { provider: 'haproxy', queries: [{ name: 'errors', query: 'error_ratio', success: '< 0.01' }] };
const ERRORS = 'sum(rate(hello_requests_total{version="{version}",status=~"5.."}[1m])) / sum(rate(hello_requests_total{version="{version}"}[1m]))';

describe('checkRollbackTriggers', () => {
  it.each<[string, RollbackTriggersSpec | null, AnalysisSpec | null, string | null]>([
    ['no triggers', null, null, null],
    ['alerts only, nothing to measure', { watch_minutes: 30, critical_alert_minutes: 5 }, null, null],
    ['an SLO with no analysis', { min_success_rate: 0.99 }, null, 'bad_rollback_triggers'],
    ['an SLO on prometheus with an error query', { min_success_rate: 0.99, error_rate_query: ERRORS }, prometheus, null],
    ['an increase on prometheus with no query', { max_error_rate_increase: 0.05 }, prometheus, 'bad_rollback_triggers'],
    ['an increase on haproxy', { max_error_rate_increase: 0.05 }, haproxy, 'bad_rollback_triggers'],
    ['an SLO on haproxy', { min_success_rate: 0.99 }, haproxy, null],
    ['a query on haproxy', { min_success_rate: 0.99, success_rate_query: 'x' }, haproxy, 'bad_rollback_triggers'],
    ['a query with {instance}', { min_success_rate: 0.99, error_rate_query: 'rate(x{instance="{instance}"}[1m])' }, prometheus, 'bad_analysis_query'],
    ['a query with {baseline_version}', { max_error_rate_increase: 0.1, success_rate_query: '{baseline_version}' }, prometheus, 'bad_analysis_query'],
  ])('%s → %s', (_name, triggers, analysis, reason) => {
    const check = checkRollbackTriggers(triggers, analysis);
    expect(check.ok ? null : check.reason).toBe(reason);
  });

  it('names the placeholder that is not allowed and the ones that are', () => {
    const check = checkRollbackTriggers({ min_success_rate: 0.9, error_rate_query: 'x{pod="{pod}"}' }, prometheus);
    expect(check).toMatchObject({ ok: false, message: 'rollback_triggers.error_rate_query uses {pod}; only {service} {version} are allowed' });
  });
});
