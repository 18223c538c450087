/**
 * Client sessions: inserted (in batches), read, ended once, and counted per instance for
 * least-loaded placement. Expiry is a comparison with `now`; a row is deleted only by the
 * purge of sessions that expired before a cutoff.
 */
import type { Kysely } from 'kysely';
import type { Session } from '../core/types.js';
import type { Database } from './database-schema.js';

export async function insertSessions(db: Kysely<Database>, sessions: Session[]): Promise<void> {
  if (sessions.length === 0) return;
  await db.insertInto('sessions').values(sessions).execute();
}

export async function getSession(db: Kysely<Database>, sessionId: string): Promise<Session | undefined> {
  return db.selectFrom('sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
}

/** Ends the session unless it already ended; the first end time stays. */
export async function endSession(db: Kysely<Database>, sessionId: string, at: number): Promise<Session | undefined> {
  await db.updateTable('sessions').set({ ended_at: at }).where('session_id', '=', sessionId).where('ended_at', 'is', null).execute();
  return getSession(db, sessionId);
}

/** One grouped statement, answered from the partial index of not-ended sessions. */
export async function countOpenSessionsByInstance(db: Kysely<Database>, service: string, now: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('sessions')
    .select(['instance_id', (eb) => eb.fn.countAll<number>().as('open')])
    .where('service', '=', service)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .groupBy('instance_id')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.instance_id, Number(r.open)]));
}

export async function lastTenantVersion(db: Kysely<Database>, service: string, tenantId: string, since: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select('runtime_version')
    .where('service', '=', service)
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.runtime_version;
}

/**
 * Deletes at most `limit` sessions that expired before `cutoff`, oldest expiry first, and
 * returns how many it deleted. Bounded, so one purge never holds the database for long.
 */
export async function deleteSessionsExpiredBefore(db: Kysely<Database>, cutoff: number, limit: number): Promise<number> {
  const oldest = db.selectFrom('sessions').select('session_id').where('expires_at', '<', cutoff).orderBy('expires_at').limit(limit);
  const result = await db.deleteFrom('sessions').where('session_id', 'in', oldest).executeTakeFirst();
  return Number(result.numDeletedRows);
}
