/** Freeze windows: inserted once, read by id or all live ones, removed by stamping removed_at once. */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Freeze } from '../core/freezes/freeze.js';
import type { FreezeRecurrence } from '../core/freezes/freeze-window.js';
import { fromJsonOrNull, toJsonOrNull } from './column-codecs.js';
import type { Database, FreezeTable } from './database-schema.js';

export async function insertFreeze(db: Kysely<Database>, freeze: Freeze): Promise<void> {
  await db.insertInto('freezes').values(freezeToRow(freeze)).execute();
}

/** The window by id, removed or not. */
export async function getFreeze(db: Kysely<Database>, freezeId: string): Promise<Freeze | undefined> {
  const row = await db.selectFrom('freezes').selectAll().where('freeze_id', '=', freezeId).executeTakeFirst();
  return row === undefined ? undefined : freezeFromRow(row);
}

/** Every window not removed, oldest first. */
export async function listFreezes(db: Kysely<Database>): Promise<Freeze[]> {
  const rows = await db.selectFrom('freezes').selectAll().where('removed_at', 'is', null).orderBy('created_at').orderBy('freeze_id').execute();
  return rows.map(freezeFromRow);
}

/** Stamps removed_at and removed_by once; a second call keeps the first. Undefined when there is no such window. */
export async function removeFreeze(db: Kysely<Database>, freezeId: string, at: number, actor: string): Promise<Freeze | undefined> {
  await db.updateTable('freezes').set({ removed_at: at, removed_by: actor }).where('freeze_id', '=', freezeId).where('removed_at', 'is', null).execute();
  return getFreeze(db, freezeId);
}

function freezeToRow(freeze: Freeze): Insertable<FreezeTable> {
  const { recurrence, ...rest } = freeze;
  return { ...rest, recurrence_json: toJsonOrNull(recurrence) };
}

function freezeFromRow(row: Selectable<FreezeTable>): Freeze {
  return {
    freeze_id: row.freeze_id,
    service: row.service,
    starts_at: Number(row.starts_at),
    ends_at: Number(row.ends_at),
    reason: row.reason,
    recurrence: fromJsonOrNull<FreezeRecurrence>(row.recurrence_json),
    created_at: Number(row.created_at),
    created_by: row.created_by,
    removed_at: row.removed_at === null ? null : Number(row.removed_at),
    removed_by: row.removed_by,
  };
}
