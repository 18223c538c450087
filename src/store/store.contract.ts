/**
 * The one behavioural contract every Store implementation must pass. store.test.ts runs it
 * on SQLite always and on PostgreSQL when a test database is configured; an in-memory fake
 * store should run it too. Each test gets a fresh, empty, migrated database.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { alertsContract } from './contract/alerts.contract.js';
import { analysisContract } from './contract/analysis.contract.js';
import { auditContract } from './contract/audit.contract.js';
import { catalogContract } from './contract/catalog.contract.js';
import { channelsContract } from './contract/channels.contract.js';
import { evidenceContract } from './contract/evidence.contract.js';
import { freezesContract } from './contract/freezes.contract.js';
import { replaysContract } from './contract/replays.contract.js';
import { instancesContract } from './contract/instances.contract.js';
import { readinessContract } from './contract/readiness.contract.js';
import { operationsContract } from './contract/operations.contract.js';
import { sessionsContract } from './contract/sessions.contract.js';
import { tokensContract } from './contract/tokens.contract.js';
import { transactionsContract } from './contract/transactions.contract.js';
import type { ContractContext, StoreFixture } from './contract/contract-context.js';

export type { ContractContext, StoreFixture } from './contract/contract-context.js';

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
    evidenceContract(context);
    freezesContract(context);
    channelsContract(context);
    readinessContract(context);
    replaysContract(context);
    instancesContract(context);
    operationsContract(context);
    auditContract(context);
    transactionsContract(context);
    sessionsContract(context);
    tokensContract(context);
    alertsContract(context);
    analysisContract(context);
  });
}
