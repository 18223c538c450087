/**
 * GET /api/v1/deployments/{id}/analysis over a real server on a real SQLite store with the
 * test's clock: the CONTRACT §5 shape with the judgement of the current phase, a deployment
 * of a service without analysis (judgement null), and 404 deployment_not_found for an
 * unknown id and for a rollback's.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperation, makeService, makeTarget } from '../../../testing/builders.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { listeningApp } from '../../../testing/listening-app.js';

const ADMIN = 'analysis-route-admin';
const T = Date.UTC(2026, 11, 1, 12);
let fake: FakeServerContext;
let app: FastifyInstance;
let url: string;

const analysis = { provider: 'prometheus' as const, address: 'http://prom.test', queries: [{ name: 'errors', query: 'up', success: '< 0.05' }], count: 2 };
const paused = { steps_done: 0, pause: { kind: 'analysis' as const, until: null, since: T }, progress_at: T, abort: null };
const canary = { type: 'canary' as const, steps: [{ instances: 1 }] };

beforeAll(async () => {
  fake = await openFakeServerContext({ now: () => T + 60_000 });
  await fake.store.putService(makeService({ name: 'web', analysis }));
  await fake.store.putService(makeService({ name: 'api' }));
  await fake.store.insertOperation(makeOperation({ id: 'dep-1', service: 'web', status: 'paused', strategy: canary, rollout: paused }), [
    makeTarget('web-1', '1.0.0', '2.0.0', { operation_id: 'dep-1', status: 'succeeded', changed: true }),
    makeTarget('web-2', '1.0.0', '2.0.0', { operation_id: 'dep-1' }),
  ]);
  await fake.store.insertOperation(makeOperation({ id: 'dep-2', service: 'api', status: 'succeeded', completed_at: T }), [makeTarget('api-1', '1.0.0', '2.0.0', { operation_id: 'dep-2', status: 'succeeded', changed: true })]);
  await fake.store.insertOperation(makeOperation({ id: 'rb-1', kind: 'rollback', service: 'api', status: 'succeeded', completed_at: T }), []);
  for (const [k, verdict] of (['successful', 'failed'] as const).entries()) {
    await fake.store.appendAnalysisMeasurement({ operation_id: 'dep-1', phase: 'step-1', query: 'errors', verdict, values: { values: [k === 0 ? 0.01 : 0.2], count: 1 }, reason: `measured ${verdict}`, measured_at: T + (k + 1) * 30_000 });
  }
  ({ app, url } = await listeningApp(fake.ctx, { admin: ADMIN, agent: null }));
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: res.status, body: await res.json() };
}

describe('GET /api/v1/deployments/{id}/analysis', () => {
  it('answers the judgement of the current phase and every measurement, oldest first', async () => {
    const { status, body } = await get('/api/v1/deployments/dep-1/analysis');
    expect(status).toBe(200);
    expect(body).toEqual({
      deploy_id: 'dep-1',
      service: 'web',
      version: '2.0.0',
      baseline_version: '1.0.0',
      judgement: { phase: 'step-1', state: 'failed', dry_run: false, reason: { code: 'analysis_failed', message: 'analysis query errors failed once (failure_limit 0); last: measured failed' } },
      measurements: [
        { phase: 'step-1', query: 'errors', verdict: 'successful', values: { values: [0.01], count: 1 }, reason: 'measured successful', measured_at: new Date(T + 30_000).toISOString() },
        { phase: 'step-1', query: 'errors', verdict: 'failed', values: { values: [0.2], count: 1 }, reason: 'measured failed', measured_at: new Date(T + 60_000).toISOString() },
      ],
    });
  });

  it('a deployment of a service without analysis: judgement null, no measurements', async () => {
    expect((await get('/api/v1/deployments/dep-2/analysis')).body).toMatchObject({ deploy_id: 'dep-2', judgement: null, measurements: [] });
  });

  it.each(['dep-404', 'rb-1'])('404 deployment_not_found for %s', async (id) => {
    const { status, body } = await get(`/api/v1/deployments/${id}/analysis`);
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'deployment_not_found', details: { deploy_id: id } });
  });
});
