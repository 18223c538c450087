/**
 * `rollback_triggers` through PUT /api/v1/services/{s} on a real SQLite store: stored and
 * shown with its queries; a threshold nothing can measure, or a query with a placeholder
 * it is not rendered with, is refused with 400 and writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';

const TOKEN = 'admin-secret';
const ANALYSIS = { provider: 'prometheus', address: 'http://127.0.0.1:9090', queries: [{ name: 'up', query: 'up{service="{service}"}', success: '== 1' }] };
const ERRORS = 'sum(rate(hello_requests_total{version="{version}",status=~"5.."}[1m])) / sum(rate(hello_requests_total{version="{version}"}[1m]))';
let fake: FakeServerContext;
let app: FastifyInstance;

async function put(extra: Record<string, unknown>) {
  const response = await app.inject({ method: 'PUT', url: '/api/v1/services/web', headers: { authorization: `Bearer ${TOKEN}` }, payload: { start: 'node server.js', instances: [], ...extra } });
  return { status: response.statusCode, body: response.json() };
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('rollback_triggers in the service spec', () => {
  it('stores and shows the triggers with their queries', async () => {
    const triggers = { watch_minutes: 10, critical_alert_minutes: 2, min_success_rate: 0.99, max_error_rate_increase: 0.05, error_rate_query: ERRORS };
    const { status, body } = await put({ analysis: ANALYSIS, rollback_triggers: triggers });
    expect(status).toBe(200);
    expect(body.rollback_triggers).toEqual(triggers);
    expect((await fake.store.getService('web'))?.rollback_triggers).toEqual(triggers);
  });

  it.each([
    ['an SLO with no analysis', { rollback_triggers: { min_success_rate: 0.99 } }, 'bad_rollback_triggers'],
    ['an SLO on prometheus with no query', { analysis: ANALYSIS, rollback_triggers: { min_success_rate: 0.99 } }, 'bad_rollback_triggers'],
    ['a query with {instance}', { analysis: ANALYSIS, rollback_triggers: { min_success_rate: 0.99, error_rate_query: 'x{instance="{instance}"}' } }, 'bad_analysis_query'],
    ['an unknown field', { analysis: ANALYSIS, rollback_triggers: { min_success: 0.99 } }, undefined],
  ])('refuses %s with 400 and writes nothing', async (_what, extra, code) => {
    const { status, body } = await put(extra);
    expect(status).toBe(400);
    if (code !== undefined) expect(body.error.code).toBe(code);
    expect(await fake.store.getService('web')).toBeUndefined();
  });
});
