/**
 * The rollback-trigger loop (CONTRACT §5 "Rollback triggers after a release"): on its own
 * timer, the leader looks at every service with `rollback_triggers`, and for the release it
 * watches (core/rollback-triggers/watched-release.ts) reads the service's firing alerts,
 * measures its rates, asks the core, and when the core says so starts the rollback.
 *
 * It keeps nothing a restart would need: the watch ends with the first operation after
 * the deployment, the triggered rollback included, so a restarted server finds that
 * rollback and never rolls the same release back twice. A failed measurement decides on
 * the alerts alone for that tick; a failed rollback start is tried again on the next.
 */
import { RepeatingTurn } from '../../repeating-turn.js';
import { decideRollbackTrigger, type TriggerReason } from '../../../core/rollback-triggers/decide-rollback-trigger.js';
import { watchedRelease, type WatchedRelease } from '../../../core/rollback-triggers/watched-release.js';
import type { Operation, Service } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import type { RollbackTriggerConfig } from './rollback-trigger-config.js';
import { ProviderRateMeter, type ReleaseRateMeter } from './release-rate-meter.js';
import { startTriggeredRollback } from './start-triggered-rollback.js';
import { yieldToEventLoop } from '../../yield-to-event-loop.js';

/** What one tick did for one service, for tests and the log. */
export type WatchOutcome =
  | { service: string; state: 'not_watching' }
  | { service: string; state: 'holding'; deploy_id: string; unmeasured: string[] }
  | { service: string; state: 'rolled_back'; deploy_id: string; rollback_id: string; reason: TriggerReason }
  | { service: string; state: 'failed'; deploy_id: string; error: string };

export class RollbackTriggerWatcher {
  #stopped = false;
  #repeat: RepeatingTurn | undefined;
  readonly #meter: ReleaseRateMeter;

  constructor(
    private readonly ctx: ServerContext,
    private readonly config: RollbackTriggerConfig,
    meter?: ReleaseRateMeter,
  ) {
    this.#meter = meter ?? new ProviderRateMeter(ctx.store, config.queryTimeoutMs);
  }

  start(): void {
    this.#repeat = new RepeatingTurn('rollback trigger tick', this.config.intervalMs, () => this.tick(), this.ctx.log);
    this.#repeat.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#repeat?.stop();
  }

  /** Looks at every service with rollback triggers once. Exposed for tests. */
  async tick(): Promise<WatchOutcome[]> {
    if (!this.ctx.leadership.isLeader()) return [];
    const services = (await this.ctx.store.listServices()).filter((s) => s.rollback_triggers !== null);
    const outcomes: WatchOutcome[] = [];
    for (const service of services) {
      if (this.#stopped) break;
      // SQLite reads hold the process: requests get a turn between services.
      await yieldToEventLoop();
      outcomes.push(await this.#watch(service));
    }
    this.#meter.keepOnly(new Set(outcomes.flatMap((o) => (o.state === 'holding' ? [o.deploy_id] : []))));
    return outcomes;
  }

  async #watch(service: Service): Promise<WatchOutcome> {
    const [latest] = await this.ctx.store.listOperations({ service: service.name, limit: 1 });
    const release = watchedRelease(service, latest, this.ctx.now());
    if (release === null || latest === undefined) return { service: service.name, state: 'not_watching' };
    const firing = await this.ctx.store.listAlerts({ state: 'firing', service: service.name, limit: 1000 });
    const rates = await this.#measure(service, release);
    const verdict = decideRollbackTrigger({ release, firing, rates, now: this.ctx.now() });
    if (verdict.state === 'holding') {
      if (verdict.unmeasured.length > 0) this.ctx.log.debug({ service: service.name, deploy_id: release.deploy_id, unmeasured: verdict.unmeasured }, 'rollback trigger has no number for some rates this tick');
      return { service: service.name, state: 'holding', deploy_id: release.deploy_id, unmeasured: verdict.unmeasured };
    }
    return this.#rollBack(service, release, latest, verdict.reason);
  }

  async #measure(service: Service, release: WatchedRelease) {
    try {
      return await this.#meter.measure(service, release, this.ctx.now());
    } catch (err) {
      this.ctx.log.warn({ service: service.name, deploy_id: release.deploy_id, err: (err as Error).message }, 'rollback trigger could not measure the release; deciding on alerts alone this time');
      return null;
    }
  }

  async #rollBack(service: Service, release: WatchedRelease, deployment: Operation, reason: TriggerReason): Promise<WatchOutcome> {
    const base = { service: service.name, deploy_id: release.deploy_id };
    try {
      const rollback = await startTriggeredRollback(this.ctx, service, release, reason, deployment.correlation_id, this.config.rollbackMaxMinutes);
      this.ctx.log.warn({ ...base, rollback_id: rollback.id, trigger: reason.trigger, reason: reason.message }, 'rollback trigger fired: rolling the release back');
      return { ...base, state: 'rolled_back', rollback_id: rollback.id, reason };
    } catch (err) {
      const error = err as Error & { code?: string };
      this.ctx.log.error({ ...base, trigger: reason.trigger, code: error.code, err: error.message }, 'rollback trigger fired but the rollback could not start; trying again on the next tick');
      return { ...base, state: 'failed', error: error.code ?? error.message };
    }
  }
}
