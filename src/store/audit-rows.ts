/** Audit event <-> `audit_events` row: details are JSON text, the id comes from the database. */
import type { Insertable, Selectable } from 'kysely';
import type { AuditEvent, AuditEventDraft } from '../core/types.js';
import type { AuditEventTable } from './database-schema.js';

export function auditToRow(event: AuditEventDraft): Insertable<AuditEventTable> {
  return {
    at: event.at,
    type: event.type,
    service: event.service,
    version: event.version,
    instance_id: event.instance_id,
    deploy_id: event.deploy_id,
    actor: event.actor,
    correlation_id: event.correlation_id,
    trace_id: event.trace_id ?? null,
    request_id: event.request_id ?? null,
    details_json: JSON.stringify(event.details),
  };
}

export function auditFromRow(row: Selectable<AuditEventTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type,
    service: row.service,
    version: row.version,
    instance_id: row.instance_id,
    deploy_id: row.deploy_id,
    actor: row.actor,
    correlation_id: row.correlation_id,
    trace_id: row.trace_id,
    request_id: row.request_id,
    details: JSON.parse(row.details_json) as Record<string, unknown>,
  };
}
