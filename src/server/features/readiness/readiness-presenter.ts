/** Evidence and readiness as the API shows them (CONTRACT §4): snake_case, ISO-8601 times. */
import { iso } from '../../../core/iso-time.js';
import type { CheckStanding } from '../../../core/readiness/admission.js';
import type { Evidence } from '../../../core/readiness/evidence.js';
import type { ReadinessEvaluation } from '../../../core/readiness/readiness-evaluation.js';

export function presentEvidence(record: Evidence) {
  return {
    id: record.id,
    service: record.service,
    version: record.version,
    check: record.check,
    passed: record.passed,
    summary: record.summary,
    url: record.url,
    details: record.details,
    source: record.source,
    actor: record.actor,
    correlation_id: record.correlation_id,
    recorded_at: iso(record.recorded_at),
  };
}

export function presentReadiness(evaluation: ReadinessEvaluation) {
  const checks: Record<string, ReturnType<typeof presentStanding>> = {};
  for (const [name, standing] of Object.entries(evaluation.checks)) checks[name] = presentStanding(standing);
  return {
    service: evaluation.service,
    version: evaluation.version,
    admitted: evaluation.admitted,
    failed_checks: evaluation.failed_checks,
    missing_checks: evaluation.missing_checks,
    checks,
    replay_passed: evaluation.replay_passed,
    required: evaluation.required,
    evaluated_at: iso(evaluation.evaluated_at),
    actor: evaluation.actor,
    correlation_id: evaluation.correlation_id,
  };
}

function presentStanding(standing: CheckStanding) {
  return { passed: standing.passed, at: iso(standing.at), source: standing.source, summary: standing.summary, url: standing.url, fresh: standing.fresh };
}
