/**
 * The replay loop: on its own timer, the leader picks up every `running` replay it does
 * not run yet and runs it (run-replay.ts), so a replay started on any replica, or left
 * running by a leader that stopped, is carried to its verdict. Stopping aborts the runs in
 * progress without finishing them: they stay `running` for the next leader.
 */
import { RepeatingTurn } from '../../repeating-turn.js';
import type { ServerContext } from '../../server-context.js';
import type { ReplayConfig } from './replay-config.js';
import { runReplay } from './run-replay.js';

/** Replays run at once; more wait for a free slot. */
const MAX_CONCURRENT_REPLAYS = 4;

export class ReplayWorker {
  readonly #running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #stopped = false;
  #repeat: RepeatingTurn | undefined;

  constructor(
    private readonly ctx: ServerContext,
    private readonly config: ReplayConfig,
  ) {}

  start(): void {
    this.#repeat = new RepeatingTurn('replay worker turn', this.config.pollMs, () => this.pickUp(), this.ctx.log);
    this.#repeat.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#repeat?.stop();
    for (const run of this.#running.values()) run.abort.abort();
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Starts a run for each running replay not already run here. Exposed for tests. */
  async pickUp(): Promise<void> {
    if (!this.ctx.leadership.isLeader() || this.#running.size >= MAX_CONCURRENT_REPLAYS) return;
    // Oldest first and past the runs already here, so a long queue never starves its oldest.
    const running = await this.ctx.store.listReplays({ status: 'running', oldestFirst: true, limit: MAX_CONCURRENT_REPLAYS + this.#running.size + 50 });
    for (const replay of running) {
      if (this.#stopped || this.#running.size >= MAX_CONCURRENT_REPLAYS) return;
      if (this.#running.has(replay.replay_id)) continue;
      const abort = new AbortController();
      // runReplay contains its own errors; this catch is the last guard, so no rejection goes unhandled.
      const done = runReplay(this.ctx, replay, this.config, abort.signal)
        .catch((err: unknown) => this.ctx.log.error({ err, replay_id: replay.replay_id }, 'replay run crashed; the next turn tries it again'))
        .finally(() => this.#running.delete(replay.replay_id));
      this.#running.set(replay.replay_id, { abort, done });
    }
  }
}
