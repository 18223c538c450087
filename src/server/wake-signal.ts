/**
 * Nudges between request handlers and loops: a deployment created wakes the reconciler,
 * a goal changed wakes the long-polls of that host's agent. Nudges only shorten waits;
 * every waiter also re-reads the store on a timer, so a lost nudge (or another replica's
 * write) costs latency, never correctness. `InProcessWakeSignal` carries them within one
 * process; one over PostgreSQL LISTEN/NOTIFY would carry them between replicas.
 */

export interface WakeSignal {
  /** Something an operation depends on changed: run the reconciler soon. */
  reconcile(): void;
  /** Assignments of these hosts may have changed. */
  hosts(hosts: Iterable<string>): void;
  /** Calls `listener` on each reconcile nudge; returns the unsubscribe. */
  onReconcile(listener: () => void): () => void;
  /** Resolves when the host is nudged or after `ms`, whichever comes first (or when `signal` aborts). */
  waitForHost(host: string, ms: number, signal?: AbortSignal): Promise<void>;
}
