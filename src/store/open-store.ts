/**
 * Chooses the engine from configuration: a `postgres://` or `postgresql://` URL selects
 * PostgreSQL (several server replicas can share it); no URL selects the SQLite file
 * `<dataDir>/ferry.db`, the zero-setup default.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { openPostgresStore } from './open-postgres-store.js';
import { openSqliteStore } from './open-sqlite-store.js';
import type { Store } from './store.js';

export { openPostgresStore, type PostgresStoreOptions } from './open-postgres-store.js';
export { openSqliteStore } from './open-sqlite-store.js';

/** The SQLite file's name inside the data directory. */
export const SQLITE_FILE_NAME = 'ferry.db';

export interface OpenStoreOptions {
  /** `postgres://…` or `postgresql://…`; empty or absent means SQLite. */
  databaseUrl?: string;
  /** Holds the SQLite file; created (with parents) when missing. */
  dataDir: string;
}

/** True for the URL schemes that select PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens the configured store with its migrations applied. Any other non-empty URL is
 * refused rather than silently falling back to SQLite: a mistyped URL would otherwise
 * start a server on an empty local database.
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const url = opts.databaseUrl?.trim() ?? '';
  if (isPostgresUrl(url)) return openPostgresStore(url);
  if (url !== '') {
    throw new InputError('unsupported_database_url', 'the database URL must start with postgres:// or postgresql:// (or be empty for SQLite)', {
      scheme: url.split(':', 1)[0],
    });
  }
  const file = join(opts.dataDir, SQLITE_FILE_NAME);
  await makePrivate(opts.dataDir, file);
  return openSqliteStore(file);
}

/**
 * The store holds service env (secrets) and token hashes: the data dir is 0700 and the
 * SQLite file 0600, tightened on every start (SQLite gives its -wal and -shm files the
 * database file's mode). The file is created 0600 before SQLite opens it, so it is never
 * readable by others, not even for a moment.
 */
async function makePrivate(dataDir: string, file: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  await (await open(file, 'a', 0o600)).close();
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    await chmod(path, 0o600).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
