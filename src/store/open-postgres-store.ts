/**
 * Opens the PostgreSQL engine on a pg Pool. Two things differ from SQLite here and nowhere
 * else: `bigint` columns (timestamps, audit ids) arrive as strings from pg and are parsed
 * to numbers by this pool's own type parsers (the global pg parsers stay untouched), and an
 * optional schema isolates one store from others in the same database (tests use it).
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions {
  /** Schema for the store's tables; created if missing and set as every connection's search_path. */
  schema?: string;
  /**
   * Called when an idle pooled connection fails (e.g. the database restarted). The pool drops
   * that connection and opens a new one for the next query; without a listener pg would
   * crash the process.
   */
  onConnectionError?: (error: Error) => void;
}

/** Schema names are put into SQL and a connection option, so only plain identifiers pass. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** int8 as a JS number; refusing values a double cannot hold exactly rather than rounding them. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return value;
}

/** Opens a pool on `url`, prepares the schema and applies pending migrations. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: expected ${SCHEMA_NAME.source}`);
  }
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  const pool = new pg.Pool({
    connectionString: url,
    types,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', options.onConnectionError ?? (() => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    await migrateToLatest(db, 'postgres', schema ?? (await currentSchema(db)));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db);
}

/** The schema unqualified table names resolve to, where the migrations create the tables. */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return result.rows[0]?.schema ?? 'public';
}
