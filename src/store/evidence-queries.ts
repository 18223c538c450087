/**
 * Release evidence (CONTRACT §4): appended and read, never updated or deleted. Ids come
 * from the database and only grow, so "oldest first" is "by id" and the newest record of
 * a check is its highest id.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Evidence, EvidenceDraft } from '../core/readiness/evidence.js';
import { fromFlag, fromJsonOrNull, toFlag, toJsonOrNull } from './column-codecs.js';
import type { Database, ReleaseEvidenceTable } from './database-schema.js';

/** Appends `draft` and returns it with the id the database gave it. */
export async function appendEvidence(db: Kysely<Database>, draft: EvidenceDraft): Promise<Evidence> {
  const row = await db.insertInto('release_evidence').values(evidenceToRow(draft)).returningAll().executeTakeFirstOrThrow();
  return evidenceFromRow(row);
}

/** Every record of one release, oldest first. */
export async function listEvidence(db: Kysely<Database>, service: string, version: string): Promise<Evidence[]> {
  const rows = await db.selectFrom('release_evidence').selectAll().where('service', '=', service).where('version', '=', version).orderBy('id').execute();
  return rows.map(evidenceFromRow);
}

function evidenceToRow(draft: EvidenceDraft): Insertable<ReleaseEvidenceTable> {
  return {
    service: draft.service,
    version: draft.version,
    check_name: draft.check,
    passed: toFlag(draft.passed),
    summary: draft.summary,
    url: draft.url,
    details_json: toJsonOrNull(draft.details),
    source: draft.source,
    actor: draft.actor,
    correlation_id: draft.correlation_id,
    recorded_at: draft.recorded_at,
  };
}

function evidenceFromRow(row: Selectable<ReleaseEvidenceTable>): Evidence {
  return {
    id: Number(row.id),
    service: row.service,
    version: row.version,
    check: row.check_name,
    passed: fromFlag(row.passed),
    summary: row.summary,
    url: row.url,
    details: fromJsonOrNull<Record<string, unknown>>(row.details_json),
    source: row.source,
    actor: row.actor,
    correlation_id: row.correlation_id,
    recorded_at: Number(row.recorded_at),
  };
}
