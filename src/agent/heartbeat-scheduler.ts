/**
 * When the agent sends heartbeats: every interval, and shortly after anything worth
 * reporting (a goal outcome, a status or version change), so the server learns results
 * without waiting a full interval. Bursts of changes collapse into one send, and sends
 * never overlap: a change during a send causes one more send right after it.
 *
 * A goal's outcome is sent at once, with no debounce: the next rollout batch starts only
 * once the server has it. Other changes wait a few ms so that changes made together
 * (several instances starting at once) go in one send.
 */
export const HEARTBEAT_DEBOUNCE_MS = 5;

export class HeartbeatScheduler {
  private interval: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly send: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly debounceMs = HEARTBEAT_DEBOUNCE_MS,
  ) {}

  /** Sends one heartbeat now and then one every interval; resolves when the first send ends. */
  start(): Promise<void> {
    this.interval = setInterval(() => this.fire(), this.intervalMs);
    this.fire();
    return this.inFlight ?? Promise.resolve();
  }

  /** Asks for a heartbeat soon, or, when `now`, as soon as no send is in flight. */
  poke(now = false): void {
    if (this.closed) return;
    if (now) {
      if (this.debounce !== null) clearTimeout(this.debounce);
      this.debounce = null;
      this.fire();
      return;
    }
    if (this.debounce !== null) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.fire();
    }, this.debounceMs);
  }

  /** Stops sending and waits for a send in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.interval !== null) clearInterval(this.interval);
    if (this.debounce !== null) clearTimeout(this.debounce);
    await this.inFlight;
  }

  private fire(): void {
    if (this.closed) return;
    if (this.inFlight !== null) {
      this.again = true;
      return;
    }
    this.inFlight = this.send()
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = null;
        if (this.again) {
          this.again = false;
          this.fire();
        }
      });
  }
}
