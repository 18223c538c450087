/**
 * The one behavioural contract every Store implementation must pass. store.test.ts runs it
 * on SQLite always and on PostgreSQL when a test database is configured; an in-memory fake
 * store should run it too. Each test gets a fresh, empty, migrated database.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { alertsContract } from './contract/alerts.contract.js';
import { auditContract } from './contract/audit.contract.js';
import { catalogContract } from './contract/catalog.contract.js';
import { instancesContract } from './contract/instances.contract.js';
import { operationsContract } from './contract/operations.contract.js';
import { sessionsContract } from './contract/sessions.contract.js';
import { tokensContract } from './contract/tokens.contract.js';
import { transactionsContract } from './contract/transactions.contract.js';
import type { Store } from './store.js';

/** One empty store for one test, and the means to open it again and to throw it away. */
export interface StoreFixture {
  store: Store;
  /** Opens another Store on the same database (migrations run again and must be no-ops). */
  reopen: () => Promise<Store>;
  /** Closes every store this fixture opened and deletes the database. */
  cleanup: () => Promise<void>;
}

/** What each part of the contract sees: the current test's fixture. */
export interface ContractContext {
  fixture(): StoreFixture;
  store(): Store;
}

/** Declares the contract suite under `name`, calling `makeStore` before each test. */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(name, () => {
    let current: StoreFixture | undefined;
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });
    const context: ContractContext = {
      fixture() {
        if (current === undefined) throw new Error('no store fixture outside a test');
        return current;
      },
      store() {
        return context.fixture().store;
      },
    };
    catalogContract(context);
    instancesContract(context);
    operationsContract(context);
    auditContract(context);
    transactionsContract(context);
    sessionsContract(context);
    tokensContract(context);
    alertsContract(context);
  });
}
