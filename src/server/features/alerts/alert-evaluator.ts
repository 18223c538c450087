/**
 * The alert side of the reconcile loop. Each evaluation reads the store (services, their
 * instances and recent operations, host heartbeats, firing alerts), asks the pure
 * `planAlerts` what changed, and applies the plan in one transaction: alerts inserted or
 * resolved, an audit event for each, and their deliveries queued in the outbox. Nothing is
 * kept in memory that a restart would need, so a restarted leader picks up exactly the
 * alerts that still fire. Delivery is the worker's (alert-delivery-worker.ts): nothing here
 * waits on the network.
 */
import { randomUUID } from 'node:crypto';
import { isEmptyAlertPlan, planAlerts, type AlertSnapshot } from '../../../core/alerts/plan-alerts.js';
import type { Alert, AlertDeliveryTarget, AlertDraft } from '../../../core/alerts/alert-types.js';
import type { ServiceAlertState } from '../../../core/alerts/alert-causes.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import type { Store } from '../../../store/store.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { yieldToEventLoop } from '../../yield-to-event-loop.js';
import type { AlertConfig } from './alert-config.js';

/** Operations per service the rules look at: operation alerts of older ones have long been resolved or held out. */
const RECENT_OPERATIONS = 20;
/** Services whose operations one slice of the snapshot reads before the event loop gets a turn. */
const SERVICES_PER_SLICE = 10;
/** The actor of alert events. */
export const ALERT_ACTOR = 'ferry:alerts';

export class AlertEvaluator {
  #lastEvaluatedAt = -Infinity;
  #lastResendAt = -Infinity;
  #firing: readonly Alert[] = [];
  /** Heartbeats missed before this moment were missed by this server, not by the agents. */
  readonly #watchingSince: number;

  constructor(
    private readonly ctx: ServerContext,
    private readonly config: AlertConfig,
  ) {
    this.#watchingSince = ctx.now();
  }

  /** The alerts firing after the last evaluation (for the `ferry_alerts_firing` gauge). */
  firing(): readonly Alert[] {
    return this.#firing;
  }

  /** Evaluates unless the last evaluation is younger than `evaluateEveryMs`; the loop calls this every pass. */
  async evaluateIfDue(): Promise<void> {
    const now = this.ctx.now();
    if (now - this.#lastEvaluatedAt < this.config.evaluateEveryMs) return;
    this.#lastEvaluatedAt = now;
    await this.evaluateOnce();
  }

  /** One evaluation; returns the alerts firing afterwards. */
  async evaluateOnce(): Promise<readonly Alert[]> {
    const snapshot = await readAlertSnapshot(this.ctx.store, this.ctx.now(), this.#watchingSince);
    const plan = planAlerts(snapshot, { ...this.config.rules, heartbeatS: this.ctx.timers.heartbeatS });
    const now = snapshot.now;
    const resend = this.config.delivery.alertmanagerUrl !== null && now - this.#lastResendAt >= this.config.delivery.alertmanagerResendMs;
    if (isEmptyAlertPlan(plan) && !(resend && snapshot.firing.length > 0)) {
      return this.#keepFiring(snapshot.firing);
    }
    const firing = await transactionWithEvents(this.ctx.store, this.ctx.events, async (tx) => {
      const opened = await Promise.all(plan.open.map((draft) => openAlert(tx, draft, now)));
      const resolved: Alert[] = [];
      for (const r of plan.resolve) {
        const alert = await tx.resolveAlert(r.id, now);
        if (alert === undefined) continue;
        resolved.push(alert);
        await recordEvent(tx, eventOf('alert_resolved', envelope(alert, now), { alert_id: alert.id, name: alert.name, severity: alert.severity, cause_key: alert.cause_key }));
      }
      const changed = [...opened, ...resolved];
      const stillFiring = [...snapshot.firing.filter((a) => !plan.resolve.some((r) => r.id === a.id)), ...opened];
      // Alertmanager forgets a firing alert after its resolve_timeout, so every firing one goes again now and then.
      const toAlertmanager = resend ? [...stillFiring, ...resolved] : changed;
      await this.enqueue(tx, 'webhook', changed, now);
      await this.enqueue(tx, 'alertmanager', toAlertmanager, now);
      return stillFiring;
    });
    if (resend) this.#lastResendAt = now;
    for (const a of plan.open) this.ctx.log.warn({ alert: a.name, severity: a.severity, service: a.service, cause_key: a.cause_key }, 'alert firing');
    for (const r of plan.resolve) this.ctx.log.info({ alert: r.name, service: r.service, cause_key: r.cause_key }, 'alert resolved');
    return this.#keepFiring(firing);
  }

  /** Remembers what fires now and shows it as `ferry_alerts_firing`, so a scrape reads no store. */
  #keepFiring(firing: readonly Alert[]): readonly Alert[] {
    this.#firing = firing;
    this.ctx.metrics.setFiringAlerts(firing.map((a) => ({ alertname: a.name, severity: a.severity, service: a.service })));
    return firing;
  }

  private async enqueue(tx: Store, target: AlertDeliveryTarget, alerts: Alert[], now: number): Promise<void> {
    const configured = target === 'webhook' ? this.config.delivery.webhookUrl : this.config.delivery.alertmanagerUrl;
    if (configured === null || alerts.length === 0) return;
    const delivery = { delivery_id: randomUUID(), target, alerts, attempts: 0, next_attempt_at: now, queued_at: now, last_error: null };
    const dropped = await tx.enqueueAlertDelivery(delivery, this.config.delivery.maxQueued);
    if (dropped > 0) this.ctx.log.error({ target, dropped }, 'alert outbox full: dropped the oldest queued deliveries');
  }
}

async function openAlert(tx: Store, draft: AlertDraft, now: number): Promise<Alert> {
  const id = `al-${randomUUID()}`;
  const summary = draft.name === 'RollbackPerformed' && draft.rollback_id !== null ? await withRollbackReason(tx, draft.summary, draft.rollback_id) : draft.summary;
  const alert: Alert = { ...draft, summary, id, state: 'firing', resolved_at: null, correlation_id: draft.correlation_id ?? id };
  await tx.insertAlert(alert);
  const details = { alert_id: id, name: alert.name, severity: alert.severity, cause_key: alert.cause_key, summary: alert.summary, runbook_url: alert.runbook_url, oncall: alert.oncall };
  await recordEvent(tx, eventOf('alert_opened', envelope(alert, now), details));
  return alert;
}

/**
 * The reason a person gave for a rollback lives in its `rollback` audit event, not in the
 * operation; read once, when the alert opens, so the page says why.
 */
async function withRollbackReason(tx: Store, summary: string, rollbackId: string): Promise<string> {
  const [started] = await tx.listAudit({ deploy_id: rollbackId, type: 'rollback', limit: 1 });
  const reason = started?.details.reason;
  if (typeof reason !== 'string' || reason === '' || summary.includes(reason)) return summary;
  return `${summary}; reason: ${reason.slice(0, 500)}`;
}

function envelope(alert: Alert, at: number) {
  return { at, service: alert.service, version: alert.current_version, instance_id: null, deploy_id: alert.deploy_id ?? alert.rollback_id, actor: ALERT_ACTOR, correlation_id: alert.correlation_id };
}

/**
 * What the rules read: each service's instances and recent operations, a slice of
 * services at a time with a turn of the event loop between slices (the SQLite driver is
 * synchronous: read all at once, a hundred services held every request back).
 */
export async function readAlertSnapshot(store: Store, now: number, watchingSince: number): Promise<AlertSnapshot> {
  const [services, hosts, firing] = await Promise.all([store.listServices(), store.listHosts(), store.listAlerts({ state: 'firing', limit: 100_000 })]);
  const states: ServiceAlertState[] = [];
  for (let start = 0; start < services.length; start += SERVICES_PER_SLICE) {
    await yieldToEventLoop();
    const slice = services.slice(start, start + SERVICES_PER_SLICE);
    states.push(
      ...(await Promise.all(
        slice.map(async (service) => ({
          service,
          routing: { oncall: service.oncall, runbooks: service.runbooks },
          instances: await store.listInstances({ service: service.name }),
          operations: await store.listOperations({ service: service.name, limit: RECENT_OPERATIONS }),
        })),
      )),
    );
  }
  return { services: states, hostHeartbeats: new Map(hosts.map((h) => [h.host, h.last_heartbeat_at])), firing, now, watchingSince };
}
