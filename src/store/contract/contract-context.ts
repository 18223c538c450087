/**
 * What every part of the store contract suite is given: the current test's store and its
 * fixture. Apart from store.contract.ts, which assembles the parts, so that the parts
 * import this and not the suite that imports them.
 */
import type { Store } from '../store.js';

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
