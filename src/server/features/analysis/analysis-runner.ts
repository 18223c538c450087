/**
 * The analysis loop: on its own timer, the leader looks at every active deployment of a
 * service with `analysis` and measures it when a measurement is due (measure-deployment.ts),
 * then wakes the reconciler so the planner reads the new judgement at once. A pass that
 * fails is logged and the next tick tries again; stopping waits for the pass in progress.
 */
import { RepeatingTurn } from '../../repeating-turn.js';
import type { ServerContext } from '../../server-context.js';
import type { AnalysisConfig } from './analysis-config.js';
import { measureDeployment } from './measure-deployment.js';

export class AnalysisRunner {
  #stopped = false;
  #repeat: RepeatingTurn | undefined;

  constructor(
    private readonly ctx: ServerContext,
    private readonly config: AnalysisConfig,
  ) {}

  start(): void {
    this.#repeat = new RepeatingTurn('analysis pass', this.config.tickMs, () => this.measureDue(), this.ctx.log);
    this.#repeat.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#repeat?.stop();
  }

  /** Measures every deployment with a measurement due; returns how many measurements it stored. Exposed for tests. */
  async measureDue(): Promise<number> {
    if (!this.ctx.leadership.isLeader()) return 0;
    const operations = await this.ctx.store.listOperations({ kinds: ['deploy'], activeOnly: true, limit: 500 });
    let stored = 0;
    for (const operation of operations) {
      if (this.#stopped) break;
      const service = await this.ctx.store.getService(operation.service);
      if (service?.analysis == null) continue;
      try {
        stored += (await measureDeployment(this.ctx, operation, service, this.config)).length;
      } catch (err) {
        this.ctx.log.error({ err, deploy_id: operation.id }, 'analysis of a deployment failed; the next tick tries again');
      }
    }
    if (stored > 0) this.ctx.wake.reconcile();
    return stored;
  }
}
