/**
 * Drains the alert outbox in the background, on its own timer, so a slow or dead receiver
 * never holds up the reconcile loop. Each due delivery is tried once per turn: accepted →
 * removed from the outbox; refused or unreachable → tried again after the backoff
 * (core/alerts/delivery-backoff.ts), until `giveUpAfterMs` after it was queued, when it is
 * dropped with an error line. Every failed attempt is reported to `onDeliveryFailed` (the
 * `ferry_alert_deliveries_failed_total` counter). Only the leader drains, so one
 * control plane sends each delivery once.
 */
import { RepeatingTurn } from '../../repeating-turn.js';
import { retryAfterFailure } from '../../../core/alerts/delivery-backoff.js';
import type { AlertDelivery, AlertDeliveryTarget } from '../../../core/alerts/alert-types.js';
import type { ServerContext } from '../../server-context.js';
import type { AlertDeliveryConfig } from './alert-config.js';
import { sendDelivery } from './alert-senders.js';

/** A failed attempt as the metrics see it. */
export interface DeliveryFailure {
  target: AlertDeliveryTarget;
  /** Short code, e.g. `http_503`, `timeout`, `ECONNREFUSED`. */
  error: string;
  /** True when this was the last attempt: the delivery is dropped. */
  gave_up: boolean;
}

/** Deliveries tried per turn; the rest wait for the next one. */
const PER_TURN = 20;

export class AlertDeliveryWorker {
  #repeat: RepeatingTurn | undefined;
  #stopped = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly config: AlertDeliveryConfig,
    private readonly onDeliveryFailed: (failure: DeliveryFailure) => void = () => undefined,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.config.webhookUrl === null && this.config.alertmanagerUrl === null) return;
    this.#repeat = new RepeatingTurn('alert delivery turn', this.config.pollMs, () => this.drainOnce(), this.ctx.log);
    this.#repeat.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#repeat?.stop();
  }

  /** Tries every due delivery once. Exposed for tests. */
  async drainOnce(): Promise<void> {
    if (!this.ctx.leadership.isLeader()) return;
    const due = await this.ctx.store.listDueAlertDeliveries(this.ctx.now(), PER_TURN);
    for (const delivery of due) {
      if (this.#stopped) return;
      await this.#attempt(delivery);
    }
  }

  async #attempt(delivery: AlertDelivery): Promise<void> {
    const result = await sendDelivery(delivery, this.config);
    if (result.ok) {
      await this.ctx.store.deleteAlertDelivery(delivery.delivery_id);
      this.ctx.log.info({ target: delivery.target, alerts: delivery.alerts.length, attempts: delivery.attempts + 1 }, 'alerts delivered');
      return;
    }
    const attempts = delivery.attempts + 1;
    const now = this.ctx.now();
    const decision = retryAfterFailure(attempts, delivery.queued_at, now, this.config.backoff, this.random());
    if (decision.retry) {
      await this.ctx.store.updateAlertDelivery(delivery.delivery_id, { attempts, next_attempt_at: decision.at, last_error: result.error });
      this.ctx.log.warn({ target: delivery.target, error_code: result.error, attempts, retry_in_ms: decision.at - now }, 'alert delivery failed; will retry');
    } else {
      await this.ctx.store.deleteAlertDelivery(delivery.delivery_id);
      this.ctx.log.error({ target: delivery.target, error_code: result.error, attempts, alerts: delivery.alerts.map((a) => a.cause_key) }, 'alert delivery given up');
    }
    this.onDeliveryFailed({ target: delivery.target, error: result.error, gave_up: !decision.retry });
  }
}
