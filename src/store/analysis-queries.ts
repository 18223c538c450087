/**
 * Analysis measurements (migration 018): appended as the runner takes them, read per
 * operation (optionally one phase) oldest first. Ids come from the database and only
 * grow, so "oldest first" is by measured_at, then id.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AnalysisMeasurement, AnalysisMeasurementDraft, MeasurementVerdict } from '../core/analysis/analysis-measurement.js';
import type { AnalysisMeasurementTable, Database } from './database-schema.js';
import type { AnalysisMeasurementFilter } from './store.js';

export async function appendAnalysisMeasurement(db: Kysely<Database>, draft: AnalysisMeasurementDraft): Promise<AnalysisMeasurement> {
  const row = await db.insertInto('analysis_measurements').values(measurementToRow(draft)).returningAll().executeTakeFirstOrThrow();
  return measurementFromRow(row);
}

export async function listAnalysisMeasurements(db: Kysely<Database>, operationId: string, filter: AnalysisMeasurementFilter = {}): Promise<AnalysisMeasurement[]> {
  let query = db.selectFrom('analysis_measurements').selectAll().where('operation_id', '=', operationId);
  if (filter.phase !== undefined) query = query.where('phase', '=', filter.phase);
  const rows = await query.orderBy('measured_at').orderBy('id').execute();
  return rows.map(measurementFromRow);
}

function measurementToRow(m: AnalysisMeasurementDraft): Insertable<AnalysisMeasurementTable> {
  return {
    operation_id: m.operation_id,
    phase: m.phase,
    query_name: m.query,
    verdict: m.verdict,
    values_json: JSON.stringify(m.values),
    reason: m.reason,
    measured_at: m.measured_at,
  };
}

function measurementFromRow(row: Selectable<AnalysisMeasurementTable>): AnalysisMeasurement {
  return {
    id: Number(row.id),
    operation_id: row.operation_id,
    phase: row.phase,
    query: row.query_name,
    verdict: row.verdict as MeasurementVerdict,
    values: JSON.parse(row.values_json) as AnalysisMeasurement['values'],
    reason: row.reason,
    measured_at: Number(row.measured_at),
  };
}
