/**
 * One delivery attempt to one receiver, bounded in time: the webhook (signed when a
 * secret is set) and Alertmanager's v2 API. An attempt answers `{ok}` or `{ok: false,
 * error}` with a short code (`http_503`, `timeout`, `ECONNREFUSED`), never the URL or
 * the secret, so the error can be stored and logged as it is.
 */
import { createHmac } from 'node:crypto';
import { alertmanagerAlerts, webhookBody } from '../../../core/alerts/delivery-payloads.js';
import type { AlertDelivery } from '../../../core/alerts/alert-types.js';
import type { AlertDeliveryConfig } from './alert-config.js';

export type SendResult = { ok: true } | { ok: false; error: string };

export const SIGNATURE_HEADER = 'x-ferry-signature';

/** `sha256=<hex HMAC-SHA256 of the body>`: what a receiver recomputes with the shared secret. */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function sendDelivery(delivery: AlertDelivery, config: AlertDeliveryConfig): Promise<SendResult> {
  if (delivery.target === 'webhook') {
    if (config.webhookUrl === null) return { ok: false, error: 'not_configured' };
    const body = webhookBody(delivery.alerts);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.webhookSecret !== null) headers[SIGNATURE_HEADER] = signatureOf(body, config.webhookSecret);
    return post(config.webhookUrl, body, headers, config.timeoutMs);
  }
  if (config.alertmanagerUrl === null) return { ok: false, error: 'not_configured' };
  const body = JSON.stringify(alertmanagerAlerts(delivery.alerts, config.environment));
  return post(`${config.alertmanagerUrl.replace(/\/+$/, '')}/api/v2/alerts`, body, { 'content-type': 'application/json' }, config.timeoutMs);
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  try {
    // The timeout covers the whole exchange; the answer's body is never read, so its size cannot matter.
    const response = await fetch(url, { method: 'POST', body, headers, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? { ok: true } : { ok: false, error: `http_${response.status}` };
  } catch (err) {
    return { ok: false, error: errorCode(err) };
  }
}

function errorCode(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code.slice(0, 64);
  return 'request_failed';
}
