/**
 * Correlation across processes (CONTRACT §3): an operation keeps the request that started
 * it and its trace (trace id, the root span id chosen up front, the parent span, flags), so
 * its root span can be emitted when it ends even by a server restarted since; audit events
 * keep the trace and request they belong to. Indexes serve `GET /api/v1/audit?correlation_id=`
 * and `?trace_id=` (`ferry which --trace`). Older rows keep nulls.
 */
import type { Kysely, Migration } from 'kysely';

const OPERATION_COLUMNS = ['request_id', 'trace_id', 'trace_root_span_id', 'trace_parent_span_id', 'trace_flags'] as const;
const AUDIT_COLUMNS = ['trace_id', 'request_id'] as const;

export const traceContextMigration: Migration = {
  async up(db: Kysely<any>) {
    for (const column of OPERATION_COLUMNS) await db.schema.alterTable('operations').addColumn(column, 'text').execute();
    for (const column of AUDIT_COLUMNS) await db.schema.alterTable('audit_events').addColumn(column, 'text').execute();
    await db.schema.createIndex('operations_trace_id').on('operations').column('trace_id').execute();
    await db.schema.createIndex('audit_events_trace_id').on('audit_events').column('trace_id').execute();
    await db.schema.createIndex('audit_events_correlation_id').on('audit_events').column('correlation_id').execute();
  },
  async down(db: Kysely<any>) {
    for (const index of ['operations_trace_id', 'audit_events_trace_id', 'audit_events_correlation_id']) await db.schema.dropIndex(index).execute();
    for (const column of AUDIT_COLUMNS) await db.schema.alterTable('audit_events').dropColumn(column).execute();
    for (const column of OPERATION_COLUMNS) await db.schema.alterTable('operations').dropColumn(column).execute();
  },
};
