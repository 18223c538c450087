/**
 * What a service's `rollback_triggers` must satisfy beyond its JSON shape, checked at PUT:
 * a rate threshold has something to measure it with, and a trigger query uses only the
 * placeholders it is rendered with. A threshold nothing can measure would be a watch that
 * silently never fires, so it is refused when it is declared, not discovered after a bad
 * release stayed out.
 */
import { ROLLBACK_TRIGGER_PLACEHOLDERS, type AnalysisSpec, type RollbackTriggersSpec } from '../analysis/analysis-spec.js';
import { firstFailure, type Check } from '../result.js';
import { unknownPlaceholders } from '../traffic/traffic-templates.js';

/**
 *   min_success_rate, no analysis                          → bad_rollback_triggers
 *   min_success_rate, prometheus, error_rate_query          → ok (success = 1 − error)
 *   max_error_rate_increase, prometheus, no query           → bad_rollback_triggers
 *   max_error_rate_increase, haproxy                        → bad_rollback_triggers (no history per version)
 *   min_success_rate, haproxy                               → ok (5xx share from show stat)
 *   error_rate_query "…{instance}…"                         → bad_analysis_query
 */
export function checkRollbackTriggers(triggers: RollbackTriggersSpec | null, analysis: AnalysisSpec | null): Check {
  if (triggers === null) return { ok: true };
  return firstFailure(checkQueries(triggers, analysis), checkMeasurable(triggers, analysis));
}

function triggerQueries(triggers: RollbackTriggersSpec): Array<[string, string]> {
  const named: Array<[string, string | undefined]> = [
    ['success_rate_query', triggers.success_rate_query],
    ['error_rate_query', triggers.error_rate_query],
  ];
  return named.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

function checkQueries(triggers: RollbackTriggersSpec, analysis: AnalysisSpec | null): Check {
  const queries = triggerQueries(triggers);
  if (queries.length === 0) return { ok: true };
  if (analysis?.provider !== 'prometheus') {
    return { ok: false, reason: 'bad_rollback_triggers', message: `${queries.map(([name]) => name).join(' and ')} are PromQL: they need analysis with provider prometheus` };
  }
  for (const [name, query] of queries) {
    const unknown = unknownPlaceholders([query], ROLLBACK_TRIGGER_PLACEHOLDERS);
    if (unknown.length > 0) {
      const allowed = ROLLBACK_TRIGGER_PLACEHOLDERS.map((n) => `{${n}}`).join(' ');
      return { ok: false, reason: 'bad_analysis_query', message: `rollback_triggers.${name} uses ${unknown.map((n) => `{${n}}`).join(', ')}; only ${allowed} are allowed` };
    }
  }
  return { ok: true };
}

function checkMeasurable(triggers: RollbackTriggersSpec, analysis: AnalysisSpec | null): Check {
  const thresholds = (['min_success_rate', 'max_error_rate_increase'] as const).filter((name) => triggers[name] !== undefined);
  if (thresholds.length === 0) return { ok: true };
  const what = thresholds.join(' and ');
  if (analysis === null) {
    return { ok: false, reason: 'bad_rollback_triggers', message: `${what} need a way to measure the rates: declare analysis (provider prometheus with success_rate_query or error_rate_query, or provider haproxy)` };
  }
  if (analysis.provider === 'prometheus' && triggerQueries(triggers).length === 0) {
    return { ok: false, reason: 'bad_rollback_triggers', message: `${what} with provider prometheus need rollback_triggers.success_rate_query or error_rate_query` };
  }
  if (analysis.provider === 'haproxy' && triggers.max_error_rate_increase !== undefined) {
    return {
      ok: false,
      reason: 'bad_rollback_triggers',
      message: "max_error_rate_increase compares with the previous version's error rate, which HAProxy's counters do not keep once its instances are replaced: use provider prometheus, or min_success_rate",
    };
  }
  return { ok: true };
}
