/**
 * recordHeartbeat on a real SQLite store: what an instance's row keeps when the agent
 * reports the same thing again, and when it reports a change; and which heartbeats wake
 * the reconcile loop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HeartbeatReport, InstanceReport } from '../../../core/agent-protocol.js';
import { sampleInstance, sampleService } from '../../../testing/sample-entities.js';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import type { ServerContext } from '../../server-context.js';
import { recordHeartbeat } from './record-heartbeat.js';

const T0 = Date.UTC(2026, 0, 1);
const caller = { actor: 'agent:host-a', correlationId: 'heartbeat-test' };
let fake: FakeServerContext;
let store: Store;
let ctx: ServerContext;
let now: number;

function report(item: Partial<InstanceReport>): HeartbeatReport {
  const instance: InstanceReport = { instance_id: 'web-host-a-8080', service: 'web', status: 'ready', version: '1.0.0', pid: 42, achieved_generation: 3, outcome: null, ...item };
  return { address: '10.0.0.1', agent_version: 'test', instances: [instance] };
}

beforeEach(async () => {
  now = T0;
  fake = await openFakeServerContext({ now: () => now });
  ({ store, ctx } = fake);
  await store.putService(sampleService());
  await store.insertInstance(sampleInstance());
});

afterEach(() => fake.close());

describe('recordHeartbeat', () => {
  it('keeps an unchanged observation as it was, and records when the host last spoke', async () => {
    await recordHeartbeat(ctx, 'host-a', report({}), caller);
    now = T0 + 5000;
    await recordHeartbeat(ctx, 'host-a', report({}), caller);

    expect((await store.getInstance('web-host-a-8080'))?.observed).toMatchObject({ status: 'ready', version: '1.0.0', at: T0 });
    expect((await store.getHost('host-a'))?.last_heartbeat_at).toBe(T0 + 5000);
  });

  it.each<[string, Partial<InstanceReport>]>([
    ['status', { status: 'unhealthy' }],
    ['version', { version: '2.0.0' }],
    ['pid', { pid: 43 }],
    ['finished goal', { achieved_generation: 4, outcome: { generation: 4, ok: true, code: null, message: null, switched: true } }],
  ])('writes a changed %s with the time it was seen', async (_label, change) => {
    await recordHeartbeat(ctx, 'host-a', report({}), caller);
    now = T0 + 5000;
    await recordHeartbeat(ctx, 'host-a', report(change), caller);

    expect((await store.getInstance('web-host-a-8080'))?.observed).toMatchObject({ ...change, at: T0 + 5000 });
  });

  it('audits a crash and the recovery of a live instance, but not the stop of a removed one', async () => {
    await recordHeartbeat(ctx, 'host-a', report({}), caller);
    await recordHeartbeat(ctx, 'host-a', report({ status: 'crashed', pid: null }), caller);
    await recordHeartbeat(ctx, 'host-a', report({}), caller);
    expect((await store.listAudit({})).map((e) => e.type)).toEqual(['instance_crashed', 'instance_recovered']);

    await store.markInstanceRemoved('web-host-a-8080', now);
    await recordHeartbeat(ctx, 'host-a', report({ status: 'crashed', pid: null }), caller);
    await recordHeartbeat(ctx, 'host-a', report({ status: 'stopped', pid: null }), caller);
    await recordHeartbeat(ctx, 'host-a', { address: '10.0.0.1', agent_version: 'test', instances: [] }, caller);
    expect((await store.listAudit({})).map((e) => e.type)).toEqual(['instance_crashed', 'instance_recovered']);
    expect(await store.getInstance('web-host-a-8080')).toBeUndefined();
  });

  it('writes an outcome that differs only in its message', async () => {
    const failed = { generation: 4, ok: false, code: 'health_timeout', message: 'first', switched: true };
    await recordHeartbeat(ctx, 'host-a', report({ achieved_generation: 4, outcome: failed }), caller);
    await recordHeartbeat(ctx, 'host-a', report({ achieved_generation: 4, outcome: { ...failed, message: 'second' } }), caller);

    expect((await store.getInstance('web-host-a-8080'))?.observed?.outcome?.message).toBe('second');
  });

  describe('waking the reconcile loop', () => {
    /** How many times the heartbeats `run` sends wake the loop. */
    async function wakesDuring(run: () => Promise<void>): Promise<number> {
      let wakes = 0;
      const unsubscribe = ctx.wake.onReconcile(() => wakes++);
      try {
        await run();
      } finally {
        unsubscribe();
      }
      return wakes;
    }
    const heartbeatMs = () => ctx.timers.heartbeatS * 1000;

    it('wakes it for a new host, a changed instance and a removed instance let go, not for a report that changes nothing', async () => {
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', report({}), caller).then(() => undefined))).toBe(1);
      now += heartbeatMs();
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', report({}), caller).then(() => undefined))).toBe(0);
      now += heartbeatMs();
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', report({ status: 'unhealthy' }), caller).then(() => undefined))).toBe(1);
      await store.markInstanceRemoved('web-host-a-8080', now);
      now += heartbeatMs();
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', { address: '10.0.0.1', agent_version: 'test', instances: [] }, caller).then(() => undefined))).toBe(1);
    });

    it('wakes it when a silent host reports again, or when the agent itself changed, even with every instance as stored', async () => {
      await recordHeartbeat(ctx, 'host-a', report({}), caller);
      now += 3 * heartbeatMs() + 1; // more than the missed heartbeats after which a host is silent
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', report({}), caller).then(() => undefined))).toBe(1);
      now += heartbeatMs();
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', { ...report({}), agent_version: 'test-2' }, caller).then(() => undefined))).toBe(1);
      now += heartbeatMs();
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', { ...report({}), agent_version: 'test-2', kept_releases: { web: ['0.9.0'] } }, caller).then(() => undefined))).toBe(1);
      now += heartbeatMs();
      expect(await wakesDuring(() => recordHeartbeat(ctx, 'host-a', { ...report({}), agent_version: 'test-2', kept_releases: { web: ['0.9.0'] } }, caller).then(() => undefined))).toBe(0);
    });
  });
});
