/**
 * Sessions (CONTRACT §2): POST places one on an eligible instance (503 `upgrading` with
 * Retry-After when none is), GET shows it with its instance's current status, DELETE
 * ends it. Sessions are their own durable record; no audit event per session (too hot).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import { drainingInstances, instanceStatus } from '../../../core/instances/instance-status.js';
import type { InstanceStatus, Session } from '../../../core/types.js';
import { checkedName } from '../../../core/names.js';
import { iso } from '../../../core/iso-time.js';
import type { ServerContext } from '../../server-context.js';
import { activeOperationOf } from '../services/service-lookup.js';
import { SessionPlacer } from './session-placer.js';

export const DEFAULT_SESSION_TTL_S = 3600;
export const MAX_SESSION_TTL_S = 7 * 24 * 3600;

const SessionBody = Type.Object(
  {
    service: Type.String({ maxLength: 63 }),
    tenant_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ttl_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_SESSION_TTL_S })),
  },
  { additionalProperties: false },
);
const SessionParams = Type.Object({ session_id: Type.String({ maxLength: 200 }) });

const SessionRecord = Type.Object({
  session_id: Type.String(),
  service: Type.String(),
  tenant_id: Type.Union([Type.String(), Type.Null()]),
  instance_id: Type.String(),
  host: Type.String(),
  address: Type.String(),
  port: Type.Integer(),
  runtime_version: Type.String(),
  created_at: Type.String(),
  expires_at: Type.String(),
  ended_at: Type.Union([Type.String(), Type.Null()]),
});
const SessionWithStatus = Type.Composite([SessionRecord, Type.Object({ instance_status: Type.String() })]);

function presentSession(session: Session) {
  return { ...session, created_at: iso(session.created_at), expires_at: iso(session.expires_at), ended_at: iso(session.ended_at) };
}

export function registerSessionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const placer = new SessionPlacer(ctx);

  app.post('/api/v1/sessions', { config: { access: 'sessions' }, schema: { body: SessionBody, response: { 201: SessionRecord }, tags: ['sessions'] } }, async (request, reply) => {
    const body = request.body as Static<typeof SessionBody>;
    const session = await placer.place({ service: checkedName(body.service, 'service'), tenant_id: body.tenant_id ?? null, ttl_s: body.ttl_s ?? DEFAULT_SESSION_TTL_S });
    return reply.status(201).send(presentSession(session));
  });

  app.get('/api/v1/sessions/:session_id', { config: { access: 'read' }, schema: { params: SessionParams, response: { 200: SessionWithStatus }, tags: ['sessions'] } }, async (request) => {
    const session = await requireSession(ctx, (request.params as Static<typeof SessionParams>).session_id);
    return { ...presentSession(session), instance_status: await currentInstanceStatus(ctx, session) };
  });

  app.delete('/api/v1/sessions/:session_id', { config: { access: 'sessions' }, schema: { params: SessionParams, response: { 200: SessionWithStatus }, tags: ['sessions'] } }, async (request) => {
    const { session_id } = request.params as Static<typeof SessionParams>;
    const now = ctx.now();
    const ended = await ctx.store.endSession(session_id, now);
    if (ended === undefined) throw sessionNotFound(session_id);
    // Ended by this call (not before) while still unexpired: it leaves its instance's load.
    if (ended.ended_at === now && ended.expires_at > now) placer.ended(ended);
    return { ...presentSession(ended), instance_status: await currentInstanceStatus(ctx, ended) };
  });
}

async function requireSession(ctx: ServerContext, sessionId: string): Promise<Session> {
  const session = await ctx.store.getSession(sessionId);
  if (session === undefined) throw sessionNotFound(sessionId);
  return session;
}

function sessionNotFound(sessionId: string): NotFoundError {
  return new NotFoundError('session_not_found', `session ${sessionId} does not exist`, { session_id: sessionId });
}

/** The instance's status now, so a caller can tell its instance was isolated; `stopped` once the instance is gone. */
async function currentInstanceStatus(ctx: ServerContext, session: Session): Promise<InstanceStatus> {
  const [instance, host, active] = await Promise.all([ctx.store.getInstance(session.instance_id), ctx.store.getHost(session.host), activeOperationOf(ctx.store, session.service)]);
  if (instance === undefined) return 'stopped';
  const draining = drainingInstances(active?.targets ?? []).has(instance.instance_id);
  return instanceStatus(instance, { now: ctx.now(), heartbeatS: ctx.timers.heartbeatS, hostLastHeartbeatAt: host?.last_heartbeat_at, draining });
}
