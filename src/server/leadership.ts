/**
 * Whether this server process runs the loops that must run once per control plane: the
 * reconcile loop (operations and drift handling) and the session purge. Every process
 * serves the whole API whatever it says; only the loops ask. One process is always the
 * leader (`AlwaysLeader`); an election among replicas (a PostgreSQL advisory lock, say)
 * would be another implementation of the same interface.
 *
 * Invariant: a loop starts a pass only while `isLeader()` is true, and a listener hears
 * every change, so a process that becomes leader starts its loops at once rather than on
 * their next timer tick.
 */

export interface Leadership {
  isLeader(): boolean;
  /** Calls `listener` with the new answer each time it changes; returns the unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void;
}

/** The single-process control plane: this process leads from start to end. */
export class AlwaysLeader implements Leadership {
  isLeader(): boolean {
    return true;
  }

  onChange(): () => void {
    return () => undefined;
  }
}
