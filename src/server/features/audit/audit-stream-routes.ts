/**
 * `GET /api/v1/audit/stream`: the audit log as server-sent events, for `ferry audit
 * --follow` and dashboards. Each event is one `id:` line (the audit id) and one `data:`
 * line (the event as `GET /api/v1/audit` shows it); `Last-Event-ID` (header or
 * `last_event_id`) resumes from the store, and `since` first replays the stored events from
 * that time. The streaming itself is AuditStreamHub's.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { resumePoint, type AuditStreamFilter } from '../../../core/audit/audit-stream-frames.js';
import { InputError, refusalError, UnavailableError } from '../../../core/errors.js';
import { parseIso } from '../../../core/iso-time.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { AuditStreamHub, DEFAULT_AUDIT_STREAM_LIMITS, type AuditStreamLimits } from './audit-stream-hub.js';

const StreamQuery = Type.Object({
  service: Type.Optional(Type.String()),
  type: Type.Optional(Type.String({ pattern: '^[a-z_]{1,64}$' })),
  deploy_id: Type.Optional(Type.String({ maxLength: 200 })),
  since: Type.Optional(Type.String()),
  last_event_id: Type.Optional(Type.String({ maxLength: 32 })),
});

/** Headers that keep proxies from buffering or caching the stream. */
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

/** `limits` overrides the defaults (tests); the heartbeat comes from FERRY_AUDIT_HEARTBEAT_S. */
export function registerAuditStreamRoutes(app: FastifyInstance, ctx: ServerContext, limits: Partial<AuditStreamLimits> = {}): AuditStreamHub {
  const hub = new AuditStreamHub(ctx.store, ctx.events, { ...DEFAULT_AUDIT_STREAM_LIMITS, heartbeatMs: ctx.timers.auditHeartbeatS * 1000, ...limits });
  // Open streams would hold app.close() forever: end them first; clients resume elsewhere or later.
  app.addHook('preClose', async () => hub.closeAll());

  app.get('/api/v1/audit/stream', { config: { access: 'read' }, schema: { querystring: StreamQuery, tags: ['audit'] } }, async (request, reply) => {
    const query = request.query as Static<typeof StreamQuery>;
    const since = parseIso(query.since);
    if (since === null) throw new InputError('invalid_time', 'since must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z');
    const filter: AuditStreamFilter = {
      ...(query.service !== undefined ? { service: checkedName(query.service, 'service') } : {}),
      ...(query.type !== undefined ? { type: query.type } : {}),
      ...(query.deploy_id !== undefined ? { deploy_id: query.deploy_id } : {}),
      ...(since !== undefined ? { since } : {}),
    };
    const header = request.headers['last-event-id'];
    const resume = resumePoint(typeof header === 'string' ? header : undefined, query.last_event_id);
    if (!resume.ok) throw refusalError(resume);
    if (!hub.hasRoom()) {
      throw new UnavailableError('too_many_streams', `this server already serves ${hub.limits.maxStreams} audit streams; retry shortly`, Math.ceil(hub.limits.retryMs / 1000));
    }
    // From here on the response is ours: fastify neither serializes nor times it.
    reply.hijack();
    reply.raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...STREAM_HEADERS });
    const log = request.log.child({ ...filter, after_id: resume.afterId ?? null });
    try {
      await hub.open(reply.raw, { filter, afterId: resume.afterId, onEnd: (why) => log.info({ end: why }, 'audit stream ended') });
    } catch (error) {
      // The store failed mid catch-up: the client sees the stream end and resumes with its last id.
      log.warn({ error_code: 'audit_stream_failed', reason: (error as Error).message }, 'audit stream catch-up failed');
      reply.raw.destroy();
    }
  });
  return hub;
}
