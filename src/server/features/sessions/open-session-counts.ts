/**
 * Open sessions per instance, kept in memory between reads of the store. Counting from
 * the store costs time in proportion to the open sessions (about 20 ms per 50,000 on
 * SQLite), too much for every batch; so each service's counts are re-read at most every
 * `refreshMs` and, in between, follow what this server does: +1 for each session it
 * placed (after the insert committed), -1 for each it ended. What the counts can miss
 * until the next re-read: sessions that expired, and another replica's placements and
 * ends. They only rank instances (least loaded first); eligibility never depends on them.
 */
import type { Store } from '../../../store/store.js';

/** How old a service's counts may grow before they are read from the store again. */
export const OPEN_COUNTS_REFRESH_MS = 1000;

interface ServiceCounts {
  counts: Map<string, number>;
  readAt: number;
}

export class OpenSessionCounts {
  readonly #byService = new Map<string, ServiceCounts>();

  constructor(private readonly refreshMs: number = OPEN_COUNTS_REFRESH_MS) {}

  /** A copy of the service's counts, read from `store` first when missing or stale. */
  async read(store: Store, service: string, now: number): Promise<Map<string, number>> {
    let entry = this.#byService.get(service);
    if (entry === undefined || now - entry.readAt >= this.refreshMs || now < entry.readAt) {
      entry = { counts: new Map(Object.entries(await store.countOpenSessionsByInstance(service, now))), readAt: now };
      this.#byService.set(service, entry);
    }
    return new Map(entry.counts);
  }

  /** A session this server placed on `instanceId` was committed. */
  placed(service: string, instanceId: string): void {
    const counts = this.#byService.get(service)?.counts;
    if (counts !== undefined) counts.set(instanceId, (counts.get(instanceId) ?? 0) + 1);
  }

  /** A session that was open on `instanceId` was ended through this server. */
  ended(service: string, instanceId: string): void {
    const counts = this.#byService.get(service)?.counts;
    const current = counts?.get(instanceId);
    if (counts !== undefined && current !== undefined) counts.set(instanceId, Math.max(0, current - 1));
  }
}
