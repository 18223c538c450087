/** The audit trail (seed 000 R7): every state change with actor and correlation id, oldest first. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../../core/errors.js';
import type { AuditEvent } from '../../../core/types.js';
import { checkedName } from '../../../core/names.js';
import { iso, parseIso } from '../../../core/iso-time.js';
import type { ServerContext } from '../../server-context.js';

const AuditQuery = Type.Object({
  service: Type.Optional(Type.String()),
  type: Type.Optional(Type.String({ pattern: '^[a-z_]{1,64}$' })),
  deploy_id: Type.Optional(Type.String({ maxLength: 200 })),
  correlation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  trace_id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
  since: Type.Optional(Type.String()),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
});

export function presentAuditEvent(event: AuditEvent) {
  return { ...event, at: iso(event.at) };
}

export function registerAuditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/audit', { config: { access: 'read' }, schema: { querystring: AuditQuery, tags: ['audit'] } }, async (request) => {
    const query = request.query as Static<typeof AuditQuery>;
    const since = parseIso(query.since);
    if (since === null) throw new InputError('invalid_time', 'since must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z');
    const events = await ctx.store.listAudit({
      ...(query.service !== undefined ? { service: checkedName(query.service, 'service') } : {}),
      ...(query.type !== undefined ? { type: query.type } : {}),
      ...(query.deploy_id !== undefined ? { deploy_id: query.deploy_id } : {}),
      ...(query.correlation_id !== undefined ? { correlation_id: query.correlation_id } : {}),
      ...(query.trace_id !== undefined ? { trace_id: query.trace_id } : {}),
      ...(since !== undefined ? { since } : {}),
      limit: query.limit !== undefined ? Math.max(1, Number(query.limit)) : 1000,
    });
    return { events: events.map(presentAuditEvent) };
  });
}
