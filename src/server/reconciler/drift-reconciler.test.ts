/**
 * The drift reconciler against a real SQLite store and a fake clock: it reads the fleet
 * service by service, applies a non-empty plan in one transaction, reports an episode once, and its rebuild is an
 * ordinary operation holding the service lock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInstance, makeService, T0 } from '../../testing/builders.js';
import type { Store } from '../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../testing/fake-server-context.js';
import type { ServerContext } from '../server-context.js';
import { DriftReconciler } from './drift-reconciler.js';

let fake: FakeServerContext;
let store: Store;
let now: number;
let ctx: ServerContext;

beforeEach(async () => {
  now = T0 + 60_000;
  fake = await openFakeServerContext({ now: () => now, env: { FERRY_HEARTBEAT_S: '1' } });
  ({ store, ctx } = fake);
  await store.putService(makeService({ desired_version: 'v2', previous_version: 'v1' }));
  for (const version of ['v1', 'v2']) {
    await store.insertRelease({ service: 'hello', version, package_url: `file:///tmp/hello-${version}.tar.gz`, sha256: 'a'.repeat(64), git_sha: null, build_time: null, registered_at: T0 });
  }
  await store.upsertHost({ host: 'h1', address: '127.0.0.1', agent_version: null, last_heartbeat_at: now, kept_releases: {} });
});

afterEach(() => fake.close());

async function insert(id: string, answered: string, port: number): Promise<void> {
  const instance = makeInstance(id, 'v2', { host: 'h1', port });
  await store.insertInstance({ ...instance, observed: { ...instance.observed!, version: answered } });
}

describe('DriftReconciler', () => {
  it('quarantines a drifted instance, starts its rebuild, and reports the episode once', async () => {
    await insert('hello-h1-1', 'v2', 1);
    await insert('hello-h1-2', 'v1', 2);
    const reconciler = new DriftReconciler(ctx);
    expect(await reconciler.reconcileOnce()).toBe(true);
    const isolated = await store.getInstance('hello-h1-2');
    expect(isolated?.isolation).toMatchObject({ status: 'quarantined', expected_version: 'v2', observed_version: 'v1', since: now });
    const [rebuild] = await store.listOperations({ service: 'hello', activeOnly: true });
    expect(rebuild).toMatchObject({ kind: 'deploy', version: 'v2', actor: 'ferry:drift', whole_service: false });
    expect(isolated?.isolation?.rebuild?.operation_id).toBe(rebuild!.id);
    expect((await store.listTargets(rebuild!.id)).map((t) => t.instance_id)).toEqual(['hello-h1-2']);

    now += 1000;
    expect(await reconciler.reconcileOnce()).toBe(false);
    const types = (await store.listAudit({ service: 'hello' })).map((e) => `${e.type} ${e.instance_id ?? ''}`.trim());
    expect(types).toEqual(['version_mismatch_detected hello-h1-2', 'instance_quarantined hello-h1-2', 'deploy_started', 'instance_rebuild_started hello-h1-2']);
  });

  it('leaves instances of a silent host alone', async () => {
    await insert('hello-h1-2', 'v1', 2);
    now += 3 * 1000 + 1;
    expect(await new DriftReconciler(ctx).reconcileOnce()).toBe(false);
    expect((await store.getInstance('hello-h1-2'))?.isolation).toBeNull();
    expect(await store.listAudit({ service: 'hello' })).toEqual([]);
  });

  it('of several services finds the one drifted instance, and a later pass over the quiet fleet changes nothing', async () => {
    // A service sorted before "hello" with every instance on its desired version, and a release set of its own.
    await store.putService(makeService({ name: 'api', desired_version: 'v7', previous_version: null }));
    await store.insertRelease({ service: 'api', version: 'v7', package_url: 'file:///tmp/api-v7.tar.gz', sha256: 'b'.repeat(64), git_sha: null, build_time: null, registered_at: T0 });
    for (const port of [11, 12]) await store.insertInstance(makeInstance(`api-h1-${port}`, 'v7', { service: 'api', host: 'h1', port }));
    await insert('hello-h1-1', 'v2', 1);
    await insert('hello-h1-2', 'v1', 2);
    const reconciler = new DriftReconciler(ctx);

    expect(await reconciler.reconcileOnce()).toBe(true);
    expect((await store.getInstance('hello-h1-2'))?.isolation?.status).toBe('quarantined');
    expect((await store.listInstances({ service: 'api' })).map((i) => i.isolation)).toEqual([null, null]);
    expect(await store.listAudit({ service: 'api' })).toEqual([]);

    now += 1000;
    const auditBefore = (await store.listAudit({})).length;
    expect(await reconciler.reconcileOnce()).toBe(false);
    expect((await store.listAudit({})).length).toBe(auditBefore);
  });
});
