/**
 * Runs the store contract on SQLite and on the in-memory store of src/testing always, and
 * on PostgreSQL when FERRY_TEST_DATABASE_URL names a test database. Each test gets its own SQLite file or PostgreSQL schema, removed
 * afterwards. Also checks how openStore picks the engine.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InMemoryStore, MemoryDatabase } from '../testing/in-memory-store.js';
import { openPostgresStore, openSqliteStore, openStore, SQLITE_FILE_NAME } from './open-store.js';
import { describeStoreContract, type StoreFixture } from './store.contract.js';
import type { Store } from './store.js';

const postgresUrl = process.env.FERRY_TEST_DATABASE_URL ?? '';

/** A fixture whose cleanup closes every store it opened, then removes the database. */
async function trackingFixture(open: () => Promise<Store>, removeDatabase: () => Promise<void>): Promise<StoreFixture> {
  const opened: Store[] = [];
  const openTracked = async () => {
    const store = await open();
    opened.push(store);
    return store;
  };
  return {
    store: await openTracked(),
    reopen: openTracked,
    async cleanup() {
      for (const store of opened) await store.close();
      await removeDatabase();
    },
  };
}

async function makeSqliteFixture(): Promise<StoreFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-store-'));
  const dataDir = join(dir, 'data');
  let first = true;
  // The first open goes through openStore (creating the data dir), later ones open the file directly.
  const open = () => (first ? ((first = false), openStore({ dataDir })) : openSqliteStore(join(dataDir, SQLITE_FILE_NAME)));
  return trackingFixture(open, () => rm(dir, { recursive: true, force: true }));
}

let schemaCounter = 0;

async function makePostgresFixture(): Promise<StoreFixture> {
  const schema = `ferry_test_${process.pid}_${++schemaCounter}_${randomBytes(4).toString('hex')}`;
  return trackingFixture(
    () => openPostgresStore(postgresUrl, { schema }),
    async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  );
}

/** Every store of one fixture shares one MemoryDatabase, as SQLite stores share one file. */
async function makeInMemoryFixture(): Promise<StoreFixture> {
  const database = new MemoryDatabase();
  return trackingFixture(async () => new InMemoryStore(database), async () => undefined);
}

describeStoreContract('store contract on SQLite', makeSqliteFixture);
describeStoreContract('store contract on the in-memory store', makeInMemoryFixture);

if (postgresUrl === '') {
  console.warn('store contract on PostgreSQL skipped: set FERRY_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it');
}
describe.skipIf(postgresUrl === '')(
  postgresUrl === '' ? 'store contract on PostgreSQL (skipped: FERRY_TEST_DATABASE_URL is not set)' : 'store contract on PostgreSQL',
  () => {
    describeStoreContract('PostgreSQL', makePostgresFixture);
  },
);

describe('openStore', () => {
  it('creates the data dir with its parents and the SQLite file in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-store-'));
    try {
      const dataDir = join(dir, 'nested', 'data');
      const store = await openStore({ dataDir, databaseUrl: '' });
      await store.close();
      expect(existsSync(join(dataDir, SQLITE_FILE_NAME))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database URL that names neither PostgreSQL nor nothing', async () => {
    await expect(openStore({ dataDir: tmpdir(), databaseUrl: 'mysql://localhost/ferry' })).rejects.toMatchObject({ code: 'unsupported_database_url' });
  });

  it('refuses a PostgreSQL schema name that is not a plain identifier', async () => {
    await expect(openPostgresStore('postgres://127.0.0.1:1/none', { schema: 'x"; drop table y; --' })).rejects.toThrow(/invalid PostgreSQL schema name/);
  });
});
