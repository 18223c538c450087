/**
 * The alert delivery outbox. Bounded: when it holds `maxQueued` deliveries, queuing one
 * more drops the oldest first (newer deliveries carry the newer state of the alerts, so
 * those are the ones worth keeping); the caller learns how many were dropped.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AlertDelivery, AlertDeliveryTarget } from '../core/alerts/alert-types.js';
import type { AlertDeliveryTable, Database } from './database-schema.js';
import type { AlertDeliveryPatch } from './store.js';

function fromRow(row: Selectable<AlertDeliveryTable>): AlertDelivery {
  return {
    delivery_id: row.delivery_id,
    target: row.target as AlertDeliveryTarget,
    alerts: JSON.parse(row.alerts_json) as AlertDelivery['alerts'],
    attempts: row.attempts,
    next_attempt_at: Number(row.next_attempt_at),
    queued_at: Number(row.queued_at),
    last_error: row.last_error,
  };
}

/** Run inside a transaction, so the count and the drop see the same queue. Returns how many were dropped. */
export async function enqueueAlertDelivery(db: Kysely<Database>, delivery: AlertDelivery, maxQueued: number): Promise<number> {
  const { count } = await db.selectFrom('alert_deliveries').select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
  const excess = Number(count) - maxQueued + 1;
  if (excess > 0) {
    const oldest = await db.selectFrom('alert_deliveries').select('delivery_id').orderBy('queued_at').orderBy('delivery_id').limit(excess).execute();
    await db.deleteFrom('alert_deliveries').where('delivery_id', 'in', oldest.map((r) => r.delivery_id)).execute();
  }
  const { alerts, ...rest } = delivery;
  await db.insertInto('alert_deliveries').values({ ...rest, alerts_json: JSON.stringify(alerts) }).execute();
  return Math.max(0, excess);
}

/** Deliveries due at `now`, the longest-waiting first. */
export async function listDueAlertDeliveries(db: Kysely<Database>, now: number, limit: number): Promise<AlertDelivery[]> {
  const rows = await db.selectFrom('alert_deliveries').selectAll().where('next_attempt_at', '<=', now).orderBy('next_attempt_at').orderBy('queued_at').limit(limit).execute();
  return rows.map(fromRow);
}

export async function countAlertDeliveries(db: Kysely<Database>): Promise<number> {
  const { count } = await db.selectFrom('alert_deliveries').select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}

export async function updateAlertDelivery(db: Kysely<Database>, id: string, patch: AlertDeliveryPatch): Promise<void> {
  await db.updateTable('alert_deliveries').set(patch).where('delivery_id', '=', id).execute();
}

export async function deleteAlertDelivery(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('alert_deliveries').where('delivery_id', '=', id).execute();
}
