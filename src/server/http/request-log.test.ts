/**
 * The request's log bindings in process: every line written while handling a request
 * carries that request's request_id, correlation_id and (when the caller sent a trace)
 * trace_id, and nothing of one request leaks into the lines of the next (the bindings are
 * set on fastify's per-request child logger, never on the server's own).
 */
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../testing/fake-server-context.js';
import { createServerLog } from '../start-server.js';
import { buildApp } from './build-app.js';
import { logAnsweredRequests } from './request-log.js';

const TOKEN = 'admin-secret';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
let fake: FakeServerContext;
let app: FastifyInstance;
let lines: Record<string, unknown>[];

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
  lines = [];
  const log = createServerLog('debug', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  app = await buildApp({ ...fake.ctx, log }, { admin: TOKEN, agent: null });
});

afterEach(async () => {
  await app.close();
  await fake.close();
});

function answered(): Record<string, unknown>[] {
  return lines.filter((line) => line.msg === 'request answered');
}

describe('request log lines', () => {
  it('carry the request id, the correlation id and the caller trace id, each request its own', async () => {
    const traced = await app.inject({ method: 'GET', url: '/api/v1/services', headers: { authorization: `Bearer ${TOKEN}`, 'x-correlation-id': 'ci:run-1', traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` } });
    const plain = await app.inject({ method: 'GET', url: '/api/v1/services', headers: { authorization: `Bearer ${TOKEN}` } });
    expect([traced.statusCode, plain.statusCode]).toEqual([200, 200]);
    const [first, second] = answered();
    expect(first).toMatchObject({ request_id: traced.headers['x-request-id'], correlation_id: 'ci:run-1', trace_id: TRACE_ID, route: '/api/v1/services' });
    expect(second).toMatchObject({ request_id: plain.headers['x-request-id'], correlation_id: plain.headers['x-request-id'] });
    expect(second).not.toHaveProperty('trace_id');
    expect(answered()).toHaveLength(2);
  });

  it('leave the server logger itself unbound', async () => {
    await app.inject({ method: 'GET', url: '/api/v1/services', headers: { authorization: `Bearer ${TOKEN}`, 'x-correlation-id': 'ci:run-2' } });
    app.log.info('after the request');
    const after = lines.find((line) => line.msg === 'after the request');
    expect(after).toBeDefined();
    expect(after).not.toHaveProperty('correlation_id');
    expect(after).not.toHaveProperty('request_id');
  });

  it('log an operator change at info, and reads, agent traffic and session placement at debug', async () => {
    // A bare app with one answered route per kind of traffic, told apart by their access rules.
    const bare = Fastify({ loggerInstance: createServerLog('debug', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) });
    logAnsweredRequests(bare as unknown as FastifyInstance);
    for (const [method, url, access] of [['POST', '/change', 'deploy'], ['GET', '/read', 'read'], ['POST', '/session', 'sessions'], ['POST', '/heartbeat', 'agent']] as const) {
      bare.route({ method, url, config: { access }, handler: async (_request, reply) => reply.status(method === 'POST' ? 201 : 200).send({}) });
    }
    for (const [method, url] of [['POST', '/change'], ['GET', '/read'], ['POST', '/session'], ['POST', '/heartbeat']] as const) expect((await bare.inject({ method, url })).statusCode).toBeLessThan(300);
    await bare.close();
    expect(answered().map((line) => [line.route, line.level])).toEqual([['/change', 30], ['/read', 20], ['/session', 20], ['/heartbeat', 20]]);
  });
});
