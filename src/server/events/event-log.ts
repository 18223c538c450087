/**
 * Every committed event as one log line (CONTRACT §3 Logs), from the event sink: the
 * server's decisions (a batch failed, a deployment rolled back, an instance quarantined)
 * reach the log exactly as they reach the audit trail, with `deploy_id`, `service`,
 * `instance_id`, `version` and the `correlation_id` of the request that started them. An
 * event that carries a reason `{code, message}` is a failure or a refusal: it is logged
 * at warn with `error_code` and the reason as the message, and never with a stack trace,
 * because it is an expected outcome, not a bug.
 */
import type { RecordedEvent } from '../../core/events/event-catalogue.js';
import type { EventSink } from './event-sink.js';

export interface EventLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Subscribes `log` to `sink`; returns the unsubscribe. */
export function logCommittedEvents(sink: EventSink, log: EventLog): () => void {
  return sink.subscribe((event) => {
    const line = eventLogLine(event);
    if (line.level === 'warn') log.warn(line.fields, line.message);
    else log.info(line.fields, line.message);
  });
}

/**
 *   eventLogLine({type: 'deploy_failed', details: {reason: {code: 'healthy_deadline', message: 'web-h1-1 …'}}, …})
 *     → { level: 'warn', message: 'deploy_failed: web-h1-1 …', fields: { error_code: 'healthy_deadline', event_type: 'deploy_failed', … } }
 */
export function eventLogLine(event: RecordedEvent): { level: 'info' | 'warn'; message: string; fields: Record<string, unknown> } {
  const fields: Record<string, unknown> = {
    event_id: event.id,
    event_type: event.type,
    correlation_id: event.correlation_id,
    ...(event.deploy_id !== null ? { deploy_id: event.deploy_id } : {}),
    ...(event.service !== null ? { service: event.service } : {}),
    ...(event.instance_id !== null ? { instance_id: event.instance_id } : {}),
    ...(event.version !== null ? { version: event.version } : {}),
    actor: event.actor,
  };
  const reason = reasonOf(event.details);
  if (reason === null) return { level: 'info', message: event.type, fields };
  return { level: 'warn', message: `${event.type}: ${reason.message}`, fields: { ...fields, error_code: reason.code } };
}

function reasonOf(details: unknown): { code: string; message: string } | null {
  const reason = (details as { reason?: unknown } | null)?.reason;
  if (typeof reason !== 'object' || reason === null) return null;
  const { code, message } = reason as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : null;
}
