/**
 * A fleet for the release gates' cross-checks (freezes × channels × readiness × preflight ×
 * dry runs × rebootstrap): the real app over a fake server context and a settable clock,
 * service `web` on four instances of one host whose agent keeps 1.0.0 and 1.1.0, stable at
 * 1.0.0, canary on one instance with no soak. Operations end through the real plan applier,
 * as the reconciler would end them, so a channel's soak and rollout evidence are real.
 */
import type { FastifyInstance } from 'fastify';
import { emptyPlan } from '../core/operations/operation-plan.js';
import type { EvidenceDraft } from '../core/readiness/evidence.js';
import type { OperationStatus } from '../core/types.js';
import { transactionWithEvents } from '../server/events/record-event.js';
import { buildApp } from '../server/http/build-app.js';
import { applyOperationPlan } from '../server/reconciler/apply-operation-plan.js';
import { openFakeServerContext, type FakeServerContext } from './fake-server-context.js';

const TOKEN = 'gates-admin';
const SHA = 'c'.repeat(64);

export interface GatedFleet {
  fake: FakeServerContext;
  app: FastifyInstance;
  /** The clock every request and gate reads; move it with `clock.now = …`. */
  clock: { now: number };
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Ends operation `id` as the planner would: success pins a partial one's instances or moves the desired version. */
  finish(id: string, status: OperationStatus): Promise<void>;
  /** How many audit events of `type` exist. */
  audited(type: string): Promise<number>;
  /** A `source: ferry` record as Ferry itself writes it (callers may not post one), straight into the store. */
  ferryEvidence(version: string, check: string, passed: boolean): Promise<void>;
  close(): Promise<void>;
}

/** `spec` is merged into web's service spec (e.g. `{readiness: {enforce: true}}`). */
export async function openGatedFleet(start: number, spec: Record<string, unknown> = {}): Promise<GatedFleet> {
  const clock = { now: start };
  const fake = await openFakeServerContext({ now: () => clock.now });
  const app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  const call: GatedFleet['call'] = async (method, url, body) => {
    const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}`, 'x-ferry-actor': 'ana' }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: response.statusCode, body: response.json() };
  };
  const fleet: GatedFleet = {
    fake,
    app,
    clock,
    call,
    finish: (id, status) => finishOperation(fake, clock.now, id, status),
    audited: async (type) => (await fake.store.listAudit({ type })).length,
    ferryEvidence: async (version, check, passed) => {
      const draft: EvidenceDraft = { service: 'web', version, check, passed, summary: `${check} by ferry`, url: null, details: null, source: 'ferry', actor: 'ferry', correlation_id: 'c-ferry', recorded_at: clock.now };
      await fake.store.appendEvidence(draft);
    },
    close: async () => {
      await app.close();
      await fake.close();
    },
  };
  const instances = [7001, 7002, 7003, 7004].map((port) => ({ host: 'h1', port }));
  await expectStatus(call('PUT', '/api/v1/services/web', { start: 'node server.js', channels: { canary: { instances: 1, min_soak_minutes: 0 } }, instances, ...spec }), 200);
  for (const version of ['1.0.0', '1.1.0']) {
    await expectStatus(call('POST', '/api/v1/releases', { service: 'web', version, package_url: `https://example.test/web-${version}.tgz`, sha256: SHA }), 201);
  }
  await fake.store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: null, updated_at: clock.now });
  await expectStatus(call('POST', '/api/v1/agents/h1/heartbeat', { address: '127.0.0.1', agent_version: 'test', instances: [], kept_releases: { web: ['1.0.0', '1.1.0'] } }), 200);
  return fleet;
}

async function expectStatus(answer: Promise<{ status: number; body: unknown }>, status: number): Promise<void> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`gated fleet setup: expected ${status}, got ${got}: ${JSON.stringify(body)}`);
}

async function finishOperation(fake: FakeServerContext, now: number, id: string, status: OperationStatus): Promise<void> {
  await transactionWithEvents(fake.store, fake.ctx.events, async (tx) => {
    const operation = (await tx.getOperation(id))!;
    const targets = await tx.listTargets(id);
    const service = await tx.getService('web');
    const plan = emptyPlan();
    plan.operation = { status, rollout: operation.rollout, completed: true, ...(status === 'succeeded' ? {} : { reason: { code: 'deploy_failed', message: 'health check failed' } }) };
    if (status === 'succeeded' && operation.whole_service) plan.serviceVersions = { desired_version: operation.version, previous_version: service?.desired_version ?? null };
    if (status === 'succeeded') {
      plan.pins = operation.whole_service
        ? (await tx.listInstances({ service: 'web' })).map((i) => ({ instance_id: i.instance_id, version: null }))
        : targets.map((t) => ({ instance_id: t.instance_id, version: operation.version }));
    }
    await applyOperationPlan(tx, operation, plan, now);
  });
}
