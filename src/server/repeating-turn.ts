/**
 * A background worker's heartbeat: runs `turn` every `intervalMs`, one turn at a time (the
 * next is scheduled only once one ended, so a slow turn never overlaps the next), logs a
 * turn that throws and goes on. `stop()` cancels the next turn and waits for the running
 * one. The replay worker, alert delivery, the analysis runner and the rollback-trigger
 * watcher each run on one.
 */
import type { Logger } from 'pino';

export class RepeatingTurn {
  #timer: NodeJS.Timeout | undefined;
  #turn: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly turn: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** True once stop() was called: a turn in progress should end early. */
  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#turn;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#turn = this.turn()
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ err }, `${this.what} failed; trying again on the next turn`))
        .finally(() => {
          this.#turn = undefined;
          this.#schedule();
        });
    }, this.intervalMs);
  }
}
