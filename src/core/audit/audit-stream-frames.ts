/**
 * The wire format of the audit stream (`GET /api/v1/audit/stream`, server-sent events) and
 * the two decisions it needs from a request: which events a stream carries, and where a
 * resumed stream starts. Pure: the server writes these frames, the CLI parses them back.
 *
 *   eventFrame(42, '{"id":42}') → 'id: 42\ndata: {"id":42}\n\n'
 *   HEARTBEAT_FRAME             → ': heartbeat\n\n' (a comment: clients ignore it, proxies see traffic)
 *   retryFrame(2000)            → 'retry: 2000\n\n' (how long a client waits before reconnecting)
 */
import { refuse, type Decision } from '../result.js';

/** A comment line: keeps idle proxies from closing the connection and tells the client the server lives. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/** One audit event; `json` is a single line (JSON.stringify never emits a raw newline). */
export function eventFrame(id: number, json: string): string {
  return `id: ${id}\ndata: ${json}\n\n`;
}

export function retryFrame(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/** The audit filters a stream honours; the same names as `GET /api/v1/audit`'s query. */
export interface AuditStreamFilter {
  service?: string;
  type?: string;
  deploy_id?: string;
  /** Epoch ms: only events at or after. A stream with `since` first replays the stored ones. */
  since?: number;
}

/** Whether a committed event belongs on a stream with `filter`: every given field equals the event's. */
export function matchesStreamFilter(filter: AuditStreamFilter, event: { at: number; service: string | null; type: string; deploy_id: string | null }): boolean {
  if (filter.since !== undefined && event.at < filter.since) return false;
  if (filter.service !== undefined && event.service !== filter.service) return false;
  if (filter.type !== undefined && event.type !== filter.type) return false;
  if (filter.deploy_id !== undefined && event.deploy_id !== filter.deploy_id) return false;
  return true;
}

/** Audit ids are positive integers below 2^53; more digits than this cannot be one. */
const MAX_ID_DIGITS = 15;

/**
 * Where a stream starts. The `Last-Event-ID` header (what an EventSource sends on its own
 * when it reconnects) wins over the `last_event_id` query parameter (for clients that cannot
 * set headers). Neither: `afterId` undefined, the stream carries only events committed from
 * now on. A value that is not a decimal id is refused rather than guessed at: resuming from
 * the wrong place would silently skip or repeat events.
 *
 *   resumePoint('41', undefined) → { ok: true, afterId: 41 }
 *   resumePoint(undefined, '7')  → { ok: true, afterId: 7 }
 *   resumePoint('', undefined)   → { ok: true, afterId: undefined }   (an EventSource's "no id yet")
 *   resumePoint('abc', undefined) → refused, invalid_last_event_id
 */
export function resumePoint(header: string | undefined, query: string | undefined): Decision<{ afterId: number | undefined }> {
  const given = header !== undefined && header.trim() !== '' ? header.trim() : query;
  if (given === undefined || given === '') return { ok: true, afterId: undefined };
  if (given.length > MAX_ID_DIGITS || !/^[0-9]+$/.test(given)) {
    return refuse('input', 'invalid_last_event_id', 'Last-Event-ID must be the id of an audit event (a decimal number), as sent in the stream\'s "id:" lines');
  }
  return { ok: true, afterId: Number(given) };
}
