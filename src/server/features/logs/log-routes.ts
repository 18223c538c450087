/**
 * `ferry logs`: an instance's log, read through its agent (log-request-broker.ts).
 *
 *   GET  /api/v1/instances/{id}/logs?lines=N&after=OFFSET   (admin)
 *        → {instance_id, service, host, lines, next_after, truncated}; 503 `agent_unavailable`
 *          with Retry-After when the agent does not answer within FERRY_LOG_REQUEST_TIMEOUT_S.
 *   POST /api/v1/agents/{host}/logs/{request_id}             (agent, bound to {host})
 *        the agent's answer; a request put to another host is unknown to this one (404).
 *
 * Why admin: an instance's output is whatever the service printed, and services print
 * their configuration, connection strings and tokens. Below admin, service `env` values
 * are masked (CONTRACT §9); a log that may hold those same values cannot be shown more
 * widely than the values themselves.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_LOG_BYTES, MAX_LOG_LINES, type LogAnswer } from '../../../core/agent-protocol.js';
import { InputError, NotFoundError, UnavailableError } from '../../../core/errors.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { IdParams } from '../shared/schemas.js';
import { requireInstance } from '../services/service-lookup.js';

const DEFAULT_LINES = 100;
/** 256 KiB of log as JSON: escaping turns a byte into at most six (`\u0000`), plus the envelope. */
const ANSWER_BODY_LIMIT = MAX_LOG_BYTES * 6 + 64 * 1024;

const LogsQuery = Type.Object({
  lines: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: `lines from the end, 1–${MAX_LOG_LINES} (default ${DEFAULT_LINES})` })),
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'byte offset: the `next_after` of the previous answer (follow)' })),
});
const AnswerParams = Type.Object({ host: Type.String(), request_id: Type.String({ maxLength: 100 }) });
const LogAnswerBody = Type.Object(
  {
    lines: Type.Array(Type.String(), { maxItems: MAX_LOG_LINES }),
    next_after: Type.Integer({ minimum: 0 }),
    truncated: Type.Boolean(),
    error: Type.Union([Type.Object({ code: Type.String({ maxLength: 64 }), message: Type.String({ maxLength: 1000 }) }), Type.Null()]),
  },
  { additionalProperties: false },
);

export function registerLogRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/instances/:id/logs', { config: { access: 'admin' }, schema: { params: IdParams, querystring: LogsQuery, tags: ['instances'] } }, async (request, reply) => {
    const { id } = request.params as Static<typeof IdParams>;
    const query = request.query as Static<typeof LogsQuery>;
    const lines = query.lines === undefined ? DEFAULT_LINES : Number(query.lines);
    if (lines < 1 || lines > MAX_LOG_LINES) throw new InputError('invalid_lines', `lines must be between 1 and ${MAX_LOG_LINES}`, { lines });
    const instance = await requireInstance(ctx.store, id);
    const asked = { instance_id: instance.instance_id, service: instance.service, lines, after: query.after === undefined ? null : Number(query.after), max_bytes: MAX_LOG_BYTES };
    const answer = await ctx.logRequests.ask(instance.host, asked, ctx.timers.logRequestS * 1000);
    if (answer === null) {
      throw new UnavailableError('agent_unavailable', `the agent of host ${instance.host} did not send the log of ${instance.instance_id} within ${ctx.timers.logRequestS} s`, 2, { host: instance.host });
    }
    if (answer.error !== null) throw new NotFoundError(answer.error.code, answer.error.message, { instance_id: instance.instance_id, host: instance.host });
    void reply.header('cache-control', 'no-store');
    return { instance_id: instance.instance_id, service: instance.service, host: instance.host, lines: answer.lines, next_after: answer.next_after, truncated: answer.truncated };
  });

  app.post(
    '/api/v1/agents/:host/logs/:request_id',
    { config: { access: 'agent' }, bodyLimit: ANSWER_BODY_LIMIT, schema: { params: AnswerParams, body: LogAnswerBody, tags: ['agents'] } },
    async (request) => {
      const { request_id } = request.params as Static<typeof AnswerParams>;
      const host = checkedName((request.params as Static<typeof AnswerParams>).host, 'host');
      if (!ctx.logRequests.answer(host, request_id, request.body as LogAnswer)) {
        throw new NotFoundError('log_request_not_found', `no log request ${request_id} waits for host ${host}`, { request_id });
      }
      return { ok: true };
    },
  );
}
