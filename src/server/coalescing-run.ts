/**
 * One run at a time of an async job, where asking again while it runs means "once more
 * after this one": any number of asks during a run coalesce into a single rerun, so a
 * burst of wake-ups costs one extra run, never a queue. The reconcile loop's passes and
 * its background traffic sync each run on one.
 */
export class CoalescingRun {
  #running: Promise<void> | undefined;
  #again = false;

  /** `goOn` is asked before each rerun: false ends the runs (stopped, no longer leading). */
  constructor(
    private readonly job: () => Promise<void>,
    private readonly goOn: () => boolean,
  ) {}

  /** The runs in progress, or undefined when none is. */
  get running(): Promise<void> | undefined {
    return this.#running;
  }

  /** Runs the job now, or once more right after the run in progress. */
  request(): void {
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#runUntilQuiet().finally(() => {
      this.#running = undefined;
    });
  }

  async #runUntilQuiet(): Promise<void> {
    do {
      this.#again = false;
      await this.job();
    } while (this.#again && this.goOn());
  }
}
