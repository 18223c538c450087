/**
 * Readiness evaluations (CONTRACT §4): the newest per release, replaced by each new one.
 * `GET …/readiness` and `GET /releases/{s}/{v}` read it back exactly as it was answered.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ReadinessEvaluation } from '../core/readiness/readiness-evaluation.js';
import { fromFlag, toFlag } from './column-codecs.js';
import type { Database, ReadinessEvaluationTable } from './database-schema.js';

/** The parts of an evaluation kept as JSON: what it found, not who asked or when. */
type Verdict = Pick<ReadinessEvaluation, 'failed_checks' | 'missing_checks' | 'checks' | 'replay_passed' | 'required'>;

/** Stores `evaluation` as the release's newest, replacing any earlier one. */
export async function putReadinessEvaluation(db: Kysely<Database>, evaluation: ReadinessEvaluation): Promise<void> {
  const verdict: Verdict = {
    failed_checks: evaluation.failed_checks,
    missing_checks: evaluation.missing_checks,
    checks: evaluation.checks,
    replay_passed: evaluation.replay_passed,
    required: evaluation.required,
  };
  await db
    .insertInto('readiness_evaluations')
    .values({
      service: evaluation.service,
      version: evaluation.version,
      admitted: toFlag(evaluation.admitted),
      verdict_json: JSON.stringify(verdict),
      evaluated_at: evaluation.evaluated_at,
      actor: evaluation.actor,
      correlation_id: evaluation.correlation_id,
    })
    .onConflict((oc) =>
      oc.columns(['service', 'version']).doUpdateSet((eb) => ({
        admitted: eb.ref('excluded.admitted'),
        verdict_json: eb.ref('excluded.verdict_json'),
        evaluated_at: eb.ref('excluded.evaluated_at'),
        actor: eb.ref('excluded.actor'),
        correlation_id: eb.ref('excluded.correlation_id'),
      })),
    )
    .execute();
}

/** The release's newest evaluation, or undefined when it was never evaluated. */
export async function getReadinessEvaluation(db: Kysely<Database>, service: string, version: string): Promise<ReadinessEvaluation | undefined> {
  const row = await db.selectFrom('readiness_evaluations').selectAll().where('service', '=', service).where('version', '=', version).executeTakeFirst();
  return row === undefined ? undefined : evaluationFromRow(row);
}

function evaluationFromRow(row: Selectable<ReadinessEvaluationTable>): ReadinessEvaluation {
  const verdict = JSON.parse(row.verdict_json) as Verdict;
  return {
    service: row.service,
    version: row.version,
    admitted: fromFlag(row.admitted),
    failed_checks: verdict.failed_checks,
    missing_checks: verdict.missing_checks,
    checks: verdict.checks,
    replay_passed: verdict.replay_passed,
    required: verdict.required,
    evaluated_at: Number(row.evaluated_at),
    actor: row.actor,
    correlation_id: row.correlation_id,
  };
}
