/**
 * Deletes session records once they are `sessionRetentionS` past their expiry. An expired
 * session already counts nowhere; its record is kept that long to answer which version
 * served it, then goes, so the table does not grow without bound at thousands of
 * placements a second. Instances' version history (`history?at=`) is kept regardless.
 *
 * Runs every PURGE_INTERVAL_MS and deletes in batches (PURGE_BATCH by default), yielding
 * between them, so a backlog never holds the database (or SQLite's single writer) for
 * long. Only the leading process purges (`ctx.leadership`); becoming leader purges at once.
 * Deleting the same rows twice would still be harmless, should two processes briefly both lead.
 */
import type { ServerContext } from '../../server-context.js';

const PURGE_INTERVAL_MS = 60_000;
const PURGE_BATCH = 5_000;

export class SessionPurge {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ctx: ServerContext,
    private readonly batch = PURGE_BATCH,
  ) {}

  start(): void {
    this.unsubscribe = this.ctx.leadership.onChange((leader) => {
      if (leader) this.kick();
    });
    this.timer = setInterval(() => this.kick(), PURGE_INTERVAL_MS);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
  }

  /** Resolves when no purge is running (at once when none was started). Exposed for tests. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Deletes every session past its retention, batch by batch; returns how many. Exposed for tests. */
  async purgeOnce(): Promise<number> {
    const cutoff = this.ctx.now() - this.ctx.timers.sessionRetentionS * 1000;
    let total = 0;
    for (;;) {
      const deleted = await this.ctx.store.deleteSessionsExpiredBefore(cutoff, this.batch);
      total += deleted;
      if (deleted < this.batch || this.stopped || !this.ctx.leadership.isLeader()) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.ctx.log.info({ deleted: total, expired_before: new Date(cutoff).toISOString() }, 'purged expired sessions');
    return total;
  }

  /** Purges now unless a purge runs, the purge stopped, or this process does not lead. */
  private kick(): void {
    if (this.running || this.stopped || !this.ctx.leadership.isLeader()) return;
    this.running = this.purgeOnce()
      .catch((err: Error) => {
        this.ctx.log.error({ err: err.message }, 'session purge failed; retrying on the next interval');
        return 0;
      })
      .finally(() => (this.running = undefined));
  }
}
