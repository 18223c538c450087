/**
 * The two database engines the store runs on, and the little DDL that differs between them.
 * Everything else (queries, ON CONFLICT upserts, RETURNING, partial indexes) is written once
 * through kysely and compiles for both.
 */
import type { ColumnDefinitionBuilder, ColumnDataType } from 'kysely';

export type SqlEngine = 'sqlite' | 'postgres';

/** A database-assigned, ever-growing integer id column for `engine`. */
export interface AutoIncrementColumn {
  type: ColumnDataType;
  build: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

/**
 * SQLite needs `INTEGER PRIMARY KEY AUTOINCREMENT` so ids are never reused after a delete;
 * PostgreSQL gets a `bigserial`, whose sequence never goes back either.
 */
export function autoIncrementId(engine: SqlEngine): AutoIncrementColumn {
  if (engine === 'sqlite') {
    return { type: 'integer', build: (column) => column.primaryKey().autoIncrement() };
  }
  return { type: 'bigserial', build: (column) => column.primaryKey() };
}
