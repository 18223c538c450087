/**
 * The operation's identity reaches the agent: on a real SQLite store through app.inject,
 * the goals a deployment and then a rollback set are assigned with that operation's id,
 * kind and the correlation id of the request that started it.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Assignments } from '../../../core/agent-protocol.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';
import { OperationReconciler } from '../../reconciler/operation-reconciler.js';

const TOKEN = 'admin-secret';
const SHA = 'a'.repeat(64);
const now = Date.UTC(2026, 0, 1);
let fake: FakeServerContext;
let app: FastifyInstance;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, correlationId?: string) {
  const headers = { authorization: `Bearer ${TOKEN}`, ...(correlationId ? { 'x-correlation-id': correlationId } : {}) };
  const response = await app.inject({ method, url, headers, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

async function assignments(): Promise<Assignments> {
  const answer = await call('GET', '/api/v1/agents/h1/assignments');
  expect(answer.status).toBe(200);
  return answer.body as Assignments;
}

/** `web` on two instances of h1, desired 1.0.0 after 0.9.0, both releases kept on h1. */
async function fleet() {
  expect((await call('PUT', '/api/v1/services/web', { start: 'node server.js', instances: [7001, 7002].map((port) => ({ host: 'h1', port })) })).status).toBe(200);
  for (const version of ['0.9.0', '1.0.0', '1.1.0']) {
    expect((await call('POST', '/api/v1/releases', { service: 'web', version, package_url: `https://example.test/web-${version}.tgz`, sha256: SHA })).status).toBe(201);
  }
  await fake.store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: '0.9.0', updated_at: now });
  const report = { address: '127.0.0.1', agent_version: 'test', instances: [], kept_releases: { web: ['0.9.0', '1.0.0', '1.1.0'] } };
  expect((await call('POST', '/api/v1/agents/h1/heartbeat', report)).status).toBe(200);
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => now });
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('assignments name the operation that set each goal', () => {
  it('carries a deployment, then the rollback that supersedes it', async () => {
    await fleet();
    // Goals the service spec set belong to no operation.
    expect((await assignments()).instances.map((a) => a.operation)).toEqual([null, null]);

    const deployed = await call('POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', strategy: { type: 'all_at_once' } }, 'corr-deploy-1');
    expect(deployed.status).toBe(202);
    await new OperationReconciler(fake.ctx).reconcileOnce();
    const deployGoals = (await assignments()).instances;
    expect(deployGoals.map((a) => a.version)).toEqual(['1.1.0', '1.1.0']);
    // The traceparent names the operation's trace and its root span, the parent of the agent's spans.
    const deployTrace = (await fake.ctx.store.getOperation(deployed.body.deploy_id))!.trace!;
    for (const a of deployGoals) {
      expect(a.operation).toEqual({ id: deployed.body.deploy_id, kind: 'deploy', correlation_id: 'corr-deploy-1', traceparent: `00-${deployTrace.trace_id}-${deployTrace.root_span_id}-01` });
    }

    const rolledBack = await call('POST', '/api/v1/services/web/rollback', {}, 'corr-rollback-1');
    expect(rolledBack.status).toBe(202);
    await new OperationReconciler(fake.ctx).reconcileOnce();
    const rollbackGoals = (await assignments()).instances;
    expect(rollbackGoals.map((a) => a.version)).toEqual(['1.0.0', '1.0.0']);
    const rollbackTrace = (await fake.ctx.store.getOperation(rolledBack.body.rollback_id))!.trace!;
    expect(rollbackTrace.trace_id).not.toBe(deployTrace.trace_id);
    for (const a of rollbackGoals) {
      expect(a.operation).toEqual({ id: rolledBack.body.rollback_id, kind: 'rollback', correlation_id: 'corr-rollback-1', traceparent: `00-${rollbackTrace.trace_id}-${rollbackTrace.root_span_id}-01` });
    }
  });
});
