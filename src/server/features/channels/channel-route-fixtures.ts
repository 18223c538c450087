/**
 * What the channel route tests share: an app over a real SQLite store with a fake clock,
 * `web` on four instances with two registered releases, and `finish`, which ends an
 * operation through the real plan applier as the reconciler would.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect } from 'vitest';
import { emptyPlan } from '../../../core/operations/operation-plan.js';
import type { OperationStatus } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { transactionWithEvents } from '../../events/record-event.js';
import { buildApp } from '../../http/build-app.js';
import { applyOperationPlan } from '../../reconciler/apply-operation-plan.js';

const TOKEN = 'admin-secret';
const SHA = 'b'.repeat(64);
export const MIN = 60_000;
export const T0 = Date.UTC(2026, 0, 1);

export interface ChannelView {
  name: string;
  version: string | null;
  instances: string[];
  updated_at: string | null;
  history: Array<Record<string, unknown>>;
}

export interface ChannelFixture {
  /** The fake clock: tests move it forward by assigning. */
  now: number;
  fake: FakeServerContext;
  store: Store;
  app: FastifyInstance;
  call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** `web` on web-h1-7001 …, the channels given, desired 1.0.0, 1.0.0 and 1.1.0 registered and kept on h1; `spec` adds to the service spec (a strategy). */
  fleet(channels?: Record<string, unknown>, ports?: number[], spec?: Record<string, unknown>): Promise<void>;
  /** Ends `id` as the planner would: success pins a partial operation's instances or moves the desired version. */
  finish(id: string, status: OperationStatus): Promise<void>;
  channel(name: string): Promise<ChannelView>;
}

/** Registers beforeEach/afterEach that open and close a fresh app for every test. */
export function useChannelFixture(): ChannelFixture {
  const f = { now: T0 } as ChannelFixture;
  f.call = async (method, url, body) => {
    const response = await f.app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}`, 'x-ferry-actor': 'ana' }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: response.statusCode, body: response.json() };
  };
  f.fleet = async (channels = { canary: { instances: 1, min_soak_minutes: 30 } }, ports = [7001, 7002, 7003, 7004], spec = {}) => {
    expect((await f.call('PUT', '/api/v1/services/web', { start: 'node server.js', channels, instances: ports.map((port) => ({ host: 'h1', port })), ...spec })).status).toBe(200);
    for (const version of ['1.0.0', '1.1.0']) {
      expect((await f.call('POST', '/api/v1/releases', { service: 'web', version, package_url: `https://example.test/web-${version}.tgz`, sha256: SHA })).status).toBe(201);
    }
    await f.store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: null, updated_at: f.now });
    const report = { address: '127.0.0.1', agent_version: 'test', instances: [], kept_releases: { web: ['1.0.0', '1.1.0'] } };
    expect((await f.call('POST', '/api/v1/agents/h1/heartbeat', report)).status).toBe(200);
  };
  f.finish = async (id, status) => {
    await transactionWithEvents(f.store, f.fake.ctx.events, async (tx) => {
      const operation = (await tx.getOperation(id))!;
      const targets = await tx.listTargets(id);
      const plan = emptyPlan();
      plan.operation = { status, rollout: operation.rollout, completed: true, ...(status === 'succeeded' ? {} : { reason: { code: 'deploy_failed', message: 'health check failed' } }) };
      if (status === 'succeeded' && operation.whole_service) plan.serviceVersions = { desired_version: operation.version, previous_version: '1.0.0' };
      if (status === 'succeeded') {
        const instances = await tx.listInstances({ service: 'web' });
        plan.pins = operation.whole_service ? instances.map((i) => ({ instance_id: i.instance_id, version: null })) : targets.map((t) => ({ instance_id: t.instance_id, version: operation.version }));
      }
      await applyOperationPlan(tx, operation, plan, f.now);
    });
  };
  f.channel = async (name) => (await f.call('GET', '/api/v1/services/web/channels')).body.channels.find((c: { name: string }) => c.name === name);

  beforeEach(async () => {
    f.now = T0;
    f.fake = await openFakeServerContext({ now: () => f.now });
    f.store = f.fake.store;
    f.app = await buildApp(f.fake.ctx, { admin: TOKEN, agent: null });
  });
  afterEach(async () => {
    await f.app.close();
    await f.fake.close();
  });
  return f;
}
