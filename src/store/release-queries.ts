/**
 * Releases: inserted once, read many times, never updated. The (service, version) primary
 * key refuses a second registration even if a caller skipped its own check.
 */
import type { Kysely } from 'kysely';
import type { Release } from '../core/types.js';
import type { Database } from './database-schema.js';

export async function insertRelease(db: Kysely<Database>, release: Release): Promise<void> {
  await db.insertInto('releases').values(release).execute();
}

export async function getRelease(db: Kysely<Database>, service: string, version: string): Promise<Release | undefined> {
  return db.selectFrom('releases').selectAll().where('service', '=', service).where('version', '=', version).executeTakeFirst();
}

/** Newest registration first; versions registered in the same millisecond by version, descending. */
export async function listReleases(db: Kysely<Database>, service: string): Promise<Release[]> {
  return db
    .selectFrom('releases')
    .selectAll()
    .where('service', '=', service)
    .orderBy('registered_at', 'desc')
    .orderBy('version', 'desc')
    .execute();
}
