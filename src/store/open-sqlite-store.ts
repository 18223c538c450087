/**
 * Opens the SQLite engine: one file, WAL so readers never wait for the writer, a busy
 * timeout so a briefly held lock is waited out rather than reported, foreign keys on
 * (SQLite leaves them off by default), and compiled statements reused (sqlite-statement-cache.ts).
 */
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database-schema.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import type { Store } from './store.js';

/** How long a statement waits for another connection's lock before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Opens (creating if missing) the SQLite database at `file` and applies pending migrations. */
export async function openSqliteStore(file: string): Promise<Store> {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db);
}
