/**
 * better-sqlite3 compiles a statement on every `prepare`, and kysely prepares each query
 * it runs: about a tenth of a hot request's time. This wrapper hands kysely the same
 * compiled statement for the same SQL text (most recently used first, bounded), which is
 * safe because kysely's single SQLite connection runs one statement at a time, and SQLite
 * recompiles a cached statement by itself after a schema change. Streaming queries
 * (`iterate`), which could hold a statement across awaits, are not used by the store.
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** Distinct SQL texts kept compiled; multi-row inserts of each batch size are distinct texts. */
export const STATEMENT_CACHE_SIZE = 256;

export function withStatementCache(database: SqliteDatabase, size = STATEMENT_CACHE_SIZE): KyselySqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement !== undefined) {
        cache.delete(sql); // re-inserted below, so Map order stays least recently used first
      } else {
        statement = database.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
