/**
 * The two delivery formats (CONTRACT §3 Alerts), built as plain data from stored alerts.
 *
 * Webhook: `{"alerts":[alert, …]}` with the API's alert shape (ISO times).
 * Alertmanager v2 (`POST /api/v2/alerts`): a list of `{labels, annotations, startsAt,
 * endsAt?}`. Alertmanager identifies an alert by its label set, so `cause_key` goes in a
 * label too: two firing alerts of one rule and service (two silent hosts) stay two.
 * A firing alert carries no `endsAt`, so Alertmanager keeps it for its resolve_timeout;
 * Ferry re-sends it well within that. A resolved one carries `endsAt` = resolved_at.
 */
import type { Alert } from './alert-types.js';

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An alert as the API and the webhook show it. */
export function presentAlert(alert: Alert) {
  return { ...alert, started_at: iso(alert.started_at), resolved_at: alert.resolved_at === null ? null : iso(alert.resolved_at) };
}

export function webhookBody(alerts: readonly Alert[]): string {
  return JSON.stringify({ alerts: alerts.map(presentAlert) });
}

/** `environment` (FERRY_ENVIRONMENT) becomes a label when set, so one Alertmanager can serve several fleets. */
export function alertmanagerAlerts(alerts: readonly Alert[], environment: string | null): AlertmanagerAlert[] {
  return alerts.map((alert) => ({
    labels: {
      alertname: alert.name,
      severity: alert.severity,
      service: alert.service,
      cause: alert.cause_key,
      ...(environment !== null ? { environment } : {}),
    },
    annotations: {
      summary: alert.summary,
      runbook_url: alert.runbook_url ?? '',
      oncall: alert.oncall ?? '',
      current_version: alert.current_version ?? '',
      previous_version: alert.previous_version ?? '',
      ...(alert.deploy_id !== null ? { deploy_id: alert.deploy_id } : {}),
      ...(alert.rollback_id !== null ? { rollback_id: alert.rollback_id } : {}),
      correlation_id: alert.correlation_id,
    },
    startsAt: iso(alert.started_at),
    ...(alert.resolved_at !== null ? { endsAt: iso(alert.resolved_at) } : {}),
  }));
}
