/**
 * The agent side of the API (core/agent-protocol.ts): long-polled assignments and
 * heartbeats. The only routes the agent token may call.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { REPORT_TEXT_LIMITS, type HeartbeatReport } from '../../../core/agent-protocol.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { buildAssignments } from './build-assignments.js';
import { recordHeartbeat } from './record-heartbeat.js';

const HostParams = Type.Object({ host: Type.String() });
const AssignmentsQuery = Type.Object({ after: Type.Optional(Type.String({ maxLength: 128 })), wait_s: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}(\\.[0-9]+)?$' })) });
const GoalOutcomeSchema = Type.Object({
  generation: Type.Integer({ minimum: 0 }),
  ok: Type.Boolean(),
  code: Type.Union([Type.String({ maxLength: REPORT_TEXT_LIMITS.code }), Type.Null()]),
  message: Type.Union([Type.String({ maxLength: REPORT_TEXT_LIMITS.message }), Type.Null()]),
  switched: Type.Boolean(),
});
const VersionSourceSchema = Type.Object({
  type: Type.Union(['http', 'process', 'command'].map((s) => Type.Literal(s))),
  detail: Type.String({ maxLength: REPORT_TEXT_LIMITS.sourceDetail }),
});
const ReasonSchema = Type.Object({ code: Type.String({ maxLength: REPORT_TEXT_LIMITS.code }), message: Type.String({ maxLength: REPORT_TEXT_LIMITS.message }) });
const HeartbeatBody = Type.Object({
  address: Type.String({ minLength: 1, maxLength: 255 }),
  agent_version: Type.String({ maxLength: 128 }),
  instances: Type.Array(
    Type.Object({
      instance_id: Type.String({ maxLength: 200 }),
      service: Type.String({ maxLength: 63 }),
      status: Type.Union(['starting', 'ready', 'unhealthy', 'stopped', 'crashed'].map((s) => Type.Literal(s))),
      version: Type.Union([Type.String({ maxLength: REPORT_TEXT_LIMITS.version }), Type.Null()]),
      version_source: Type.Optional(Type.Union([VersionSourceSchema, Type.Null()])),
      version_refusal: Type.Optional(Type.Union([ReasonSchema, Type.Null()])),
      pid: Type.Union([Type.Integer(), Type.Null()]),
      achieved_generation: Type.Integer({ minimum: 0 }),
      outcome: Type.Union([GoalOutcomeSchema, Type.Null()]),
    }),
    { maxItems: 10_000 },
  ),
  kept_releases: Type.Optional(Type.Record(Type.String({ maxLength: 63 }), Type.Array(Type.String({ maxLength: 128 }), { maxItems: 1000 }))),
  staging: Type.Optional(
    Type.Array(
      Type.Object({
        staging_id: Type.String({ maxLength: 200 }),
        port: Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.Null()]),
        status: Type.Union(['starting', 'ready', 'failed'].map((s) => Type.Literal(s))),
        reason: Type.Union([Type.String({ maxLength: 8192 }), Type.Null()]),
      }),
      { maxItems: 100 },
    ),
  ),
});

function hostParam(params: unknown): string {
  return checkedName((params as Static<typeof HostParams>).host, 'host');
}

export function registerAgentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/agents/:host/assignments', { config: { access: 'agent' }, schema: { params: HostParams, querystring: AssignmentsQuery, tags: ['agents'] } }, async (request) => {
    const host = hostParam(request.params);
    const query = request.query as Static<typeof AssignmentsQuery>;
    const waitMs = Math.min(Number(query.wait_s ?? 0), ctx.timers.longPollS) * 1000;
    const deadline = ctx.now() + waitMs;
    const closed = new AbortController();
    request.raw.once('close', () => closed.abort());
    for (;;) {
      const assignments = await buildAssignments(ctx, host);
      if (assignments.revision !== query.after || ctx.now() >= deadline || closed.signal.aborted) return assignments;
      // Re-read at least every second: another replica's write sends no in-process nudge.
      await ctx.wake.waitForHost(host, Math.min(1000, deadline - ctx.now()), closed.signal);
    }
  });

  app.post('/api/v1/agents/:host/heartbeat', { config: { access: 'agent' }, schema: { params: HostParams, body: HeartbeatBody, tags: ['agents'] } }, async (request) => {
    const host = hostParam(request.params);
    return recordHeartbeat(ctx, host, request.body as HeartbeatReport, { actor: `agent:${host}`, correlationId: request.correlationId, requestId: request.id });
  });
}
