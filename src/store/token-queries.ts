/** Named API tokens: inserted once, found by the secret's hash, revoked by setting revoked_at. */
import type { Kysely } from 'kysely';
import type { ApiToken } from '../core/types.js';
import type { Database } from './database-schema.js';

export async function insertToken(db: Kysely<Database>, token: ApiToken): Promise<void> {
  await db.insertInto('api_tokens').values(token).execute();
}

export async function findTokenBySecret(db: Kysely<Database>, secretSha256: string): Promise<ApiToken | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('secret_sha256', '=', secretSha256).executeTakeFirst();
}

export async function getToken(db: Kysely<Database>, tokenId: string): Promise<ApiToken | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('token_id', '=', tokenId).executeTakeFirst();
}

/** Oldest first. */
export async function listTokens(db: Kysely<Database>): Promise<ApiToken[]> {
  return await db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('token_id').execute();
}

/** Sets revoked_at once; a second call keeps the first time. */
export async function revokeToken(db: Kysely<Database>, tokenId: string, at: number): Promise<ApiToken | undefined> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('token_id', '=', tokenId).where('revoked_at', 'is', null).execute();
  return getToken(db, tokenId);
}
