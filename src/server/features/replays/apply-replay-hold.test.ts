/**
 * The hold after a rollback, on a real SQLite store: the transaction that ends a rollback
 * (or a deployment rolled back) holds the instances it returned and records their
 * `rollback` replay and `replay_started`, all or nothing; a service without replay, or
 * with `replay_after_rollback: false`, is left alone; the end of a later successful
 * deployment lifts the holds of the instances it replaced, in the same way, and a restart
 * does not.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyPlan } from '../../../core/operations/operation-plan.js';
import type { Operation, OperationStatus } from '../../../core/types.js';
import { transactionWithEvents } from '../../events/record-event.js';
import { applyOperationPlan } from '../../reconciler/apply-operation-plan.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { sampleInstance, sampleOperation, sampleService, sampleTarget } from '../../../testing/sample-entities.js';

const T = Date.UTC(2026, 0, 1);
const IDS = ['web-host-a-1', 'web-host-a-2'];
let fake: FakeServerContext;

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => T });
});
afterEach(async () => {
  await fake.close();
});

async function fleet(service: Partial<Parameters<typeof sampleService>[0]> = {}): Promise<void> {
  await fake.store.putService(sampleService({ name: 'web', desired_version: '1.0.0', replay_after_rollback: null, ...service }));
  for (const [i, id] of IDS.entries()) await fake.store.insertInstance(sampleInstance({ instance_id: id, port: 8000 + i }));
}

async function operation(id: string, kind: 'rollback' | 'deploy' | 'restart', status: OperationStatus = 'running'): Promise<Operation> {
  const op = sampleOperation({ id, kind, version: kind === 'deploy' ? '2.0.0' : '1.0.0', status });
  await fake.store.insertOperation(
    op,
    IDS.map((instance_id) => sampleTarget({ operation_id: id, instance_id, from_version: kind === 'deploy' ? '1.0.0' : '2.0.0', to_version: op.version, status: 'succeeded', changed: true })),
  );
  return op;
}

/** Applies a plan that ends `op` with `status`, as the reconciler does; `then` runs in the same transaction. */
async function end(op: Operation, status: OperationStatus, then: () => void = () => {}): Promise<void> {
  await transactionWithEvents(fake.store, fake.ctx.events, async (tx) => {
    await applyOperationPlan(tx, op, { ...emptyPlan(), operation: { status, rollout: op.rollout, completed: true } }, T);
    then();
  });
}

async function holds(): Promise<unknown[]> {
  return (await fake.store.listInstances({ service: 'web' })).map((i) => i.replay_hold?.replay_id ?? null);
}

describe('the hold after a rollback, in the transaction that ends it', () => {
  it('holds the returned instances and records one rollback replay and its replay_started', async () => {
    await fleet();
    const op = await operation('rb-1', 'rollback');
    await end(op, 'succeeded');
    expect(await holds()).toEqual(['rp-rb-rb-1', 'rp-rb-rb-1']);
    expect(await fake.store.getReplay('rp-rb-rb-1')).toMatchObject({ purpose: 'rollback', version: '1.0.0', instances: IDS, status: 'running', staging: null });
    expect((await fake.store.listAudit({ type: 'replay_started' })).map((e) => e.details)).toMatchObject([{ replay_id: 'rp-rb-rb-1', purpose: 'rollback' }]);
    await end(op, 'succeeded');
    expect(await fake.store.listReplays({ service: 'web' })).toHaveLength(1);
  });

  it('writes nothing when the transaction that ends the rollback fails', async () => {
    await fleet();
    const op = await operation('rb-1', 'rollback');
    await expect(
      end(op, 'succeeded', () => {
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await holds()).toEqual([null, null]);
    expect(await fake.store.getReplay('rp-rb-rb-1')).toBeUndefined();
  });

  it('holds the instances a deployment rolled back returned, on their previous version', async () => {
    await fleet();
    await end(await operation('dp-1', 'deploy'), 'rolled_back');
    expect(await holds()).toEqual(['rp-rb-dp-1', 'rp-rb-dp-1']);
    expect((await fake.store.getReplay('rp-rb-dp-1'))?.version).toBe('1.0.0');
  });

  it.each([
    ['no replay spec', { replay: null }, 'succeeded'],
    ['replay_after_rollback false', { replay_after_rollback: false }, 'succeeded'],
    ['a rollback that failed', {}, 'failed'],
  ] as const)('leaves alone %s', async (_name, over, status) => {
    await fleet(over);
    await end(await operation('rb-1', 'rollback'), status);
    expect(await holds()).toEqual([null, null]);
  });

  it('a restart keeps the hold; the end of a later deployment lifts it in its own transaction', async () => {
    await fleet();
    await end(await operation('rb-1', 'rollback'), 'succeeded');
    await end(await operation('rs-1', 'restart'), 'succeeded');
    expect(await holds()).toEqual(['rp-rb-rb-1', 'rp-rb-rb-1']);
    await end(await operation('dp-2', 'deploy'), 'succeeded');
    expect(await holds()).toEqual([null, null]);
  });

  it('a later deployment rolled back lifts nothing and holds what it returned under its own replay', async () => {
    await fleet();
    await end(await operation('rb-1', 'rollback'), 'succeeded');
    await end(await operation('dp-3', 'deploy'), 'rolled_back');
    expect(await holds()).toEqual(['rp-rb-dp-3', 'rp-rb-dp-3']);
  });
});
