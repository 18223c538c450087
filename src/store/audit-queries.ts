/**
 * The audit log (invariant 7): rows are appended and read, never updated or deleted.
 * Ids come from the database and only grow, so "oldest first" is "by id".
 */
import type { Kysely } from 'kysely';
import type { AuditEvent, AuditEventDraft } from '../core/types.js';
import { auditFromRow, auditToRow } from './audit-rows.js';
import type { Database } from './database-schema.js';
import type { AuditFilter } from './store.js';

/** Events returned when a filter names no limit. */
export const DEFAULT_AUDIT_LIMIT = 1000;

/** Appends `event` and returns it with the id the database gave it. */
export async function appendAudit(db: Kysely<Database>, event: AuditEventDraft): Promise<AuditEvent> {
  const row = await db.insertInto('audit_events').values(auditToRow(event)).returningAll().executeTakeFirstOrThrow();
  return auditFromRow(row);
}

/** Oldest first, filtered, then capped at `limit` (default DEFAULT_AUDIT_LIMIT). */
export async function listAudit(db: Kysely<Database>, filter: AuditFilter): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.service !== undefined) query = query.where('service', '=', filter.service);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.deploy_id !== undefined) query = query.where('deploy_id', '=', filter.deploy_id);
  if (filter.correlation_id !== undefined) query = query.where('correlation_id', '=', filter.correlation_id);
  if (filter.trace_id !== undefined) query = query.where('trace_id', '=', filter.trace_id);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  if (filter.after_id !== undefined) query = query.where('id', '>', filter.after_id);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit ?? DEFAULT_AUDIT_LIMIT)
    .execute();
  return rows.map(auditFromRow);
}
