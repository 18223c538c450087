/**
 * Alert settings, read once from the environment at server start (CONTRACT §3 Alerts,
 * docs/alerts.md). A malformed value refuses the start: a typo in a paging setting must
 * not be discovered during the incident it was meant to report.
 */
import { positiveSetting } from '../../../config/positive-setting.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../../core/alerts/delivery-backoff.js';
import { DEFAULT_ALERT_RULE_CONFIG, type AlertRuleConfig } from '../../../core/alerts/alert-types.js';

export interface AlertDeliveryConfig {
  /** OBS_ALERT_WEBHOOK; null = no webhook. */
  webhookUrl: string | null;
  /** FERRY_WEBHOOK_SECRET: signs webhook bodies. Never logged or shown. */
  webhookSecret: string | null;
  /** FERRY_ALERTMANAGER_URL, the Alertmanager's base URL; null = none. */
  alertmanagerUrl: string | null;
  /** FERRY_ENVIRONMENT, an Alertmanager label when set. */
  environment: string | null;
  backoff: BackoffPolicy;
  /** Bound on one delivery attempt, connect to last byte (FERRY_ALERT_TIMEOUT_MS, 5000). */
  timeoutMs: number;
  /** Deliveries the outbox keeps at most; beyond it the oldest are dropped (FERRY_ALERT_QUEUE_MAX, 10000). */
  maxQueued: number;
  /** How often the worker looks for due deliveries (FERRY_ALERT_DELIVERY_POLL_MS, 500). */
  pollMs: number;
  /** Firing alerts are sent to Alertmanager again this often, well within its resolve_timeout (FERRY_ALERTMANAGER_RESEND_S, 60). */
  alertmanagerResendMs: number;
}

export interface AlertConfig {
  rules: Omit<AlertRuleConfig, 'heartbeatS'>;
  delivery: AlertDeliveryConfig;
  /** Least time between two evaluations (FERRY_ALERT_EVAL_MS, 5000): the reconcile loop may run far more often. */
  evaluateEveryMs: number;
}

export function readAlertConfig(env: NodeJS.ProcessEnv = process.env): AlertConfig {
  return {
    rules: {
      driftS: positiveSetting(env, 'FERRY_ALERT_DRIFT_S', DEFAULT_ALERT_RULE_CONFIG.driftS),
      rollbackMaxMinutes: positiveSetting(env, 'ROLLBACK_MAX_MINUTES', DEFAULT_ALERT_RULE_CONFIG.rollbackMaxMinutes),
      holdS: positiveSetting(env, 'FERRY_ALERT_HOLD_S', DEFAULT_ALERT_RULE_CONFIG.holdS),
      runbookBaseUrl: httpUrl(env, 'FERRY_RUNBOOK_BASE_URL'),
      defaultOncall: text(env, 'FERRY_DEFAULT_ONCALL'),
    },
    delivery: {
      webhookUrl: httpUrl(env, 'OBS_ALERT_WEBHOOK'),
      webhookSecret: text(env, 'FERRY_WEBHOOK_SECRET'),
      alertmanagerUrl: httpUrl(env, 'FERRY_ALERTMANAGER_URL'),
      environment: text(env, 'FERRY_ENVIRONMENT'),
      backoff: {
        initialMs: positiveSetting(env, 'FERRY_ALERT_RETRY_INITIAL_MS', DEFAULT_BACKOFF.initialMs),
        maxMs: positiveSetting(env, 'FERRY_ALERT_RETRY_MAX_MS', DEFAULT_BACKOFF.maxMs),
        giveUpAfterMs: positiveSetting(env, 'FERRY_ALERT_GIVE_UP_S', DEFAULT_BACKOFF.giveUpAfterMs / 1000) * 1000,
      },
      timeoutMs: positiveSetting(env, 'FERRY_ALERT_TIMEOUT_MS', 5000),
      maxQueued: Math.round(positiveSetting(env, 'FERRY_ALERT_QUEUE_MAX', 10_000)),
      pollMs: positiveSetting(env, 'FERRY_ALERT_DELIVERY_POLL_MS', 500),
      alertmanagerResendMs: positiveSetting(env, 'FERRY_ALERTMANAGER_RESEND_S', 60) * 1000,
    },
    evaluateEveryMs: positiveSetting(env, 'FERRY_ALERT_EVAL_MS', 5000),
  };
}


function text(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw === '' ? null : raw;
}

/** An http(s) URL of bounded length; the value is not echoed, since a URL may carry credentials. */
function httpUrl(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = text(env, name);
  if (raw === null) return null;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || raw.length > 2048) throw new Error(`${name} must be an http:// or https:// URL`);
  return raw;
}
