/**
 * Test support (not built): the reads of the in-memory Store that do more than look up one
 * row, answered as the SQL queries of src/store answer them (filters, order, caps).
 */
import { DEFAULT_AUDIT_LIMIT } from '../store/audit-queries.js';
import type * as domain from '../core/types.js';
import type { AuditFilter } from '../store/store.js';
import { detached, type MemoryTables } from './in-memory-tables.js';

export function countOpenSessions(t: MemoryTables, service: string, now: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of t.sessions.values()) {
    if (s.service === service && s.ended_at === null && s.expires_at > now) counts[s.instance_id] = (counts[s.instance_id] ?? 0) + 1;
  }
  return counts;
}

export function lastTenantVersionOf(t: MemoryTables, service: string, tenantId: string, since: number): string | undefined {
  const given = [...t.sessions.values()].filter((s) => s.service === service && s.tenant_id === tenantId && s.created_at >= since);
  return given.sort((a, b) => b.created_at - a.created_at)[0]?.runtime_version;
}

export function deleteExpiredSessions(t: MemoryTables, cutoff: number, limit: number): number {
  const expired = [...t.sessions.values()].filter((s) => s.expires_at < cutoff).sort((a, b) => a.expires_at - b.expires_at);
  const deleted = expired.slice(0, limit);
  for (const s of deleted) t.sessions.delete(s.session_id);
  return deleted.length;
}

export function auditMatching(t: MemoryTables, filter: AuditFilter): domain.AuditEvent[] {
  const matching = t.audit.filter(
    (e) =>
      (filter.service === undefined || e.service === filter.service) &&
      (filter.type === undefined || e.type === filter.type) &&
      (filter.deploy_id === undefined || e.deploy_id === filter.deploy_id) &&
      (filter.correlation_id === undefined || e.correlation_id === filter.correlation_id) &&
      (filter.trace_id === undefined || e.trace_id === filter.trace_id) &&
      (filter.since === undefined || e.at >= filter.since) &&
      (filter.after_id === undefined || e.id > filter.after_id),
  );
  return detached(matching.slice(0, filter.limit ?? DEFAULT_AUDIT_LIMIT));
}

/** Text order as SQLite compares text (binary), which is code-unit order for the ids tests use. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sets `field` to `at` unless it is set already (the first time stays); the row after, undefined when unknown. */
export function stampOnce<R extends object>(table: Map<string, R>, key: string, field: keyof R, at: number): R | undefined {
  const row = table.get(key);
  if (row === undefined) return undefined;
  const stamped = row[field] === null ? { ...row, [field]: at } : row;
  table.set(key, stamped);
  return detached(stamped);
}

export function copyOrUndefined<T>(row: T | undefined): T | undefined {
  return row === undefined ? undefined : detached(row);
}

/** Ordered by instance_id, removed ones included. */
export function instancesOf(t: MemoryTables, filter: { service?: string; host?: string }): domain.Instance[] {
  return [...t.instances.values()]
    .filter((i) => (filter.service === undefined || i.service === filter.service) && (filter.host === undefined || i.host === filter.host))
    .sort((a, b) => byText(a.instance_id, b.instance_id));
}
