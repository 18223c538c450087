/**
 * Alerts: inserted firing, resolved once, listed newest first. The partial unique index
 * of migration 009 refuses a second firing alert for one cause_key.
 */
import type { Kysely } from 'kysely';
import type { Alert } from '../core/alerts/alert-types.js';
import type { Database } from './database-schema.js';
import type { AlertFilter } from './store.js';

/** Alerts a filter returns when it names no limit. */
export const DEFAULT_ALERT_LIMIT = 500;

export async function insertAlert(db: Kysely<Database>, alert: Alert): Promise<void> {
  await db.insertInto('alerts').values(alert).execute();
}

/** Resolves a firing alert at `at`; a resolved one keeps its first resolved_at. */
export async function resolveAlert(db: Kysely<Database>, id: string, at: number): Promise<Alert | undefined> {
  await db.updateTable('alerts').set({ state: 'resolved', resolved_at: at }).where('id', '=', id).where('state', '=', 'firing').execute();
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first (started_at, then id), filtered, capped at `limit`. */
export async function listAlerts(db: Kysely<Database>, filter: AlertFilter): Promise<Alert[]> {
  let query = db.selectFrom('alerts').selectAll();
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.service !== undefined) query = query.where('service', '=', filter.service);
  if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
  return query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? DEFAULT_ALERT_LIMIT)
    .execute();
}
