/**
 * The replay after a rollback, from the committed events on a real SQLite store: a
 * completed rollback holds the instances it returned and records their `rollback` replay
 * (once, however often the event is heard); a service without replay, or with
 * `replay_after_rollback: false`, is left alone; a later successful deployment lifts the
 * holds of the instances it replaced, a restart does not.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../core/events/event-catalogue.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { sampleInstance, sampleOperation, sampleService, sampleTarget } from '../../../testing/sample-entities.js';
import { holdReturnedInstances, listenForRollbacks } from './rollback-replay-trigger.js';

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

async function operation(id: string, kind: 'rollback' | 'deploy' | 'restart'): Promise<void> {
  await fake.store.insertOperation(
    sampleOperation({ id, kind, version: '1.0.0', status: 'succeeded' }),
    IDS.map((instance_id) => sampleTarget({ operation_id: id, instance_id, from_version: '2.0.0', to_version: '1.0.0', status: 'succeeded', changed: true })),
  );
}

async function holds(): Promise<unknown[]> {
  return (await fake.store.listInstances({ service: 'web' })).map((i) => i.replay_hold?.replay_id ?? null);
}

function completed(type: 'rollback_completed' | 'deploy_completed', operationId: string): RecordedEvent {
  return { id: 1, type, at: T, service: 'web', version: '1.0.0', instance_id: null, deploy_id: operationId, actor: 'ferry', correlation_id: 'c', details: {} } as unknown as RecordedEvent;
}

describe('replay after rollback', () => {
  it('holds the returned instances and records one rollback replay of them, once', async () => {
    await fleet();
    await operation('rb-1', 'rollback');
    const replay = await holdReturnedInstances(fake.ctx, 'rb-1');
    expect(replay).toMatchObject({ replay_id: 'rp-rb-rb-1', purpose: 'rollback', version: '1.0.0', instances: IDS, status: 'running', staging: null });
    expect(await holds()).toEqual(['rp-rb-rb-1', 'rp-rb-rb-1']);
    expect(await holdReturnedInstances(fake.ctx, 'rb-1')).toBeUndefined();
    expect(await fake.store.listReplays({ service: 'web' })).toHaveLength(1);
  });

  it.each([
    ['no replay spec', { replay: null }],
    ['replay_after_rollback false', { replay_after_rollback: false }],
  ])('leaves a service with %s alone', async (_name, over) => {
    await fleet(over);
    await operation('rb-1', 'rollback');
    expect(await holdReturnedInstances(fake.ctx, 'rb-1')).toBeUndefined();
    expect(await holds()).toEqual([null, null]);
  });

  it('hears committed events: a rollback holds, a restart keeps the hold, a later deployment lifts it', async () => {
    await fleet();
    const stop = listenForRollbacks(fake.ctx);
    try {
      await operation('rb-1', 'rollback');
      fake.ctx.events.deliver([completed('rollback_completed', 'rb-1')]);
      await expectEventually(async () => expect(await holds()).toEqual(['rp-rb-rb-1', 'rp-rb-rb-1']));
      await operation('rs-1', 'restart');
      fake.ctx.events.deliver([completed('deploy_completed', 'rs-1')]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await holds()).toEqual(['rp-rb-rb-1', 'rp-rb-rb-1']);
      await operation('dp-1', 'deploy');
      fake.ctx.events.deliver([completed('deploy_completed', 'dp-1')]);
      await expectEventually(async () => expect(await holds()).toEqual([null, null]));
    } finally {
      stop();
    }
  });
});

/** Subscribers run after delivery returns; this polls a few turns of the event loop for their effect. */
async function expectEventually(check: () => Promise<void>): Promise<void> {
  for (let i = 0; ; i += 1) {
    try {
      return await check();
    } catch (err) {
      if (i >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
