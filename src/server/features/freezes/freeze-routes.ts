/** Freeze windows (CONTRACT §4): declared and removed by admins, read by everyone with a token. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server-context.js';
import { callerOf } from '../shared/caller.js';
import { presentFreeze } from './freeze-presenter.js';
import { createFreeze, listFreezesFor, removeFreeze, requireFreeze } from './freeze-service.js';

const Text = (maxLength: number) => Type.String({ maxLength });

const WeeklySpanSchema = Type.Object({ day: Text(16), from: Text(16), to: Text(32) }, { additionalProperties: false });
const RecurrenceSchema = Type.Object(
  { weekly: Type.Array(WeeklySpanSchema, { maxItems: 50 }), time_zone: Type.Optional(Text(64)) },
  { additionalProperties: false },
);
const FreezeBody = Type.Object(
  {
    service: Type.Optional(Type.Union([Text(63), Type.Null()])),
    starts_at: Text(64),
    ends_at: Text(64),
    reason: Text(500),
    recurrence: Type.Optional(Type.Union([RecurrenceSchema, Type.Null()])),
  },
  { additionalProperties: false },
);
const FreezeParams = Type.Object({ freeze_id: Text(64) });
const FreezeQuery = Type.Object({ service: Type.Optional(Text(63)) }, { additionalProperties: false });

export function registerFreezeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/freezes', { config: { access: 'admin' }, schema: { body: FreezeBody, tags: ['freezes'] } }, async (request, reply) => {
    const freeze = await createFreeze(ctx, request.body as Static<typeof FreezeBody>, callerOf(request));
    return reply.status(201).send(presentFreeze(freeze, ctx.now(), ctx.log));
  });

  app.get('/api/v1/freezes', { config: { access: 'read' }, schema: { querystring: FreezeQuery, tags: ['freezes'] } }, async (request) => {
    const now = ctx.now();
    const freezes = await listFreezesFor(ctx.store, (request.query as Static<typeof FreezeQuery>).service);
    return { freezes: freezes.map((f) => presentFreeze(f, now, ctx.log)) };
  });

  app.get('/api/v1/freezes/:freeze_id', { config: { access: 'read' }, schema: { params: FreezeParams, tags: ['freezes'] } }, async (request) => {
    return presentFreeze(await requireFreeze(ctx.store, (request.params as Static<typeof FreezeParams>).freeze_id), ctx.now(), ctx.log);
  });

  app.delete('/api/v1/freezes/:freeze_id', { config: { access: 'admin' }, schema: { params: FreezeParams, tags: ['freezes'] } }, async (request) => {
    return presentFreeze(await removeFreeze(ctx, (request.params as Static<typeof FreezeParams>).freeze_id, callerOf(request)), ctx.now());
  });
}
