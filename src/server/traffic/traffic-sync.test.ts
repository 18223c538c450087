import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { InMemoryStore } from '../../testing/in-memory-store.js';
import { makeInstance, makeService, T0 } from '../../testing/builders.js';
import { HollowBalancer } from '../../testing/hollow-balancer.js';
import { withIntent } from '../../core/traffic/next-traffic.js';
import { SERVING_WAIT_MS, TrafficSync } from './traffic-sync.js';
import { drainRemovedInstance } from './isolation-traffic.js';

async function setup() {
  const store = new InMemoryStore();
  const clock = { now: T0 };
  const balancer = new HollowBalancer();
  await store.putService(makeService({ traffic: { type: 'haproxy', socket: '/s', backend: 'web' } }));
  for (const id of ['i1', 'i2']) await store.insertInstance(makeInstance(id, '1.0.0'));
  const sync = new TrafficSync({ store, log: pino({ level: 'silent' }), now: () => clock.now, createAdapter: () => balancer, retryMs: 5_000 });
  const drain = async (id: string) => {
    const current = (await store.getInstance(id))!.traffic ?? null;
    await store.updateInstanceTraffic(id, current, withIntent(current, { state: 'drain', weight: 100 }, clock.now));
  };
  return { store, clock, balancer, sync, drain };
}

describe('TrafficSync', () => {
  it('applies a new intent once and records it on that intent; leaves instances Ferry never touched alone', async () => {
    const { store, balancer, sync, drain } = await setup();
    await drain('i1');
    expect(await sync.syncAll()).toBe(true);
    expect(await sync.syncAll()).toBe(false);
    expect(balancer.log).toEqual(['drain i1']);
    expect((await store.getInstance('i1'))?.traffic?.applied).toMatchObject({ seq: 1, ok: true });
    expect((await store.getInstance('i2'))?.traffic ?? null).toBeNull();
  });

  it('retries an intent the adapter failed only after retryMs, and records the success', async () => {
    const { store, clock, balancer, sync, drain } = await setup();
    balancer.failing = { action: 'drain', error: 'connection refused' };
    await drain('i1');
    await sync.syncAll();
    expect((await store.getInstance('i1'))?.traffic?.applied).toMatchObject({ ok: false, error: 'connection refused' });
    balancer.failing = null;
    clock.now += 4_000;
    await sync.syncAll();
    expect(balancer.log).toEqual([]);
    clock.now += 1_000;
    await sync.syncAll();
    expect(balancer.log).toEqual(['drain i1']);
    expect((await store.getInstance('i1'))?.traffic?.applied).toMatchObject({ ok: true });
  });

  it('re-applies what the balancer lost in a reload, and reports drains still waiting on connections', async () => {
    const { balancer, sync, drain } = await setup();
    await drain('i1');
    balancer.openConnections.set('i1', 2);
    await sync.syncAll();
    expect(sync.waitingOnDrains()).toBe(true);
    expect(sync.connections('hello')?.get('i1')).toBe(2);
    balancer.reload();
    balancer.openConnections.set('i1', 0);
    await sync.syncAll();
    expect(balancer.log).toEqual(['drain i1', 'drain i1']);
    expect(sync.waitingOnDrains()).toBe(false);
  });

  it('drains an instance removed from the spec until its row goes', async () => {
    const { store, balancer, sync, clock } = await setup();
    await store.putService(makeService({ traffic: { type: 'haproxy', socket: '/s', backend: 'web' } }));
    await store.transaction(async (tx) => {
      await tx.markInstanceRemoved('i2', clock.now);
      await drainRemovedInstance(tx, 'i2', clock.now);
    });
    await sync.syncAll();
    expect(balancer.log).toEqual(['drain i2']);
  });

  it('confirms a ready only once the balancer’s own check sees the instance up', async () => {
    const { store, balancer, sync, clock } = await setup();
    balancer.checkDown.add('i1');
    const current = (await store.getInstance('i1'))!.traffic ?? null;
    await store.updateInstanceTraffic('i1', current, withIntent(current, { state: 'ready', weight: 50 }, clock.now));
    await sync.syncAll();
    expect(balancer.log).toEqual(['ready i1 50']);
    expect((await store.getInstance('i1'))?.traffic?.applied ?? null).toBeNull();
    expect(sync.waitingOnDrains()).toBe(true);
    await sync.syncAll();
    expect(balancer.log).toEqual(['ready i1 50']);
    balancer.checkDown.delete('i1');
    expect(await sync.syncAll()).toBe(true);
    expect((await store.getInstance('i1'))?.traffic?.applied).toMatchObject({ seq: 1, ok: true });
    expect(sync.waitingOnDrains()).toBe(false);
  });

  it('counts a ready the balancer’s check keeps down past SERVING_WAIT_MS as failed', async () => {
    const { store, balancer, sync, clock } = await setup();
    balancer.checkDown.add('i1');
    const current = (await store.getInstance('i1'))!.traffic ?? null;
    await store.updateInstanceTraffic('i1', current, withIntent(current, { state: 'ready', weight: 100 }, clock.now));
    await sync.syncAll();
    clock.now += SERVING_WAIT_MS;
    await sync.syncAll();
    expect((await store.getInstance('i1'))?.traffic?.applied).toMatchObject({ ok: false, error: expect.stringContaining('health check still has the instance down') });
  });
});
