/**
 * One replay run on a real SQLite store, its finishing side: a rollback replay whose
 * instances never get ready fails and changes only the holds it owns; a release replay
 * judged alone writes its evidence with the `evidence_recorded` event; a run whose
 * finish cannot be written is logged and left running, never a crash.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Replay } from '../../../core/replay/replay-record.js';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { sampleHost, sampleInstance, sampleRelease, sampleService } from '../../../testing/sample-entities.js';
import { sampleReplay } from '../../../store/contract/replays.contract.js';
import { readReplayConfig, type ReplayConfig } from './replay-config.js';
import { runReplay } from './run-replay.js';

const T = Date.UTC(2026, 0, 1);
const HELD = (replay_id: string, failed = false) => ({ replay_id, failed, since: T });
let fake: FakeServerContext;
let server: Server | undefined;
const config: ReplayConfig = { ...readReplayConfig({}), stagingReadyTimeoutS: 0.2, installAllowanceS: 0 };

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.now() });
  await fake.store.putService(sampleService({ name: 'web', desired_version: null, replay: { requests: [{ method: 'GET', path: '/a' }, { method: 'GET', path: '/b' }] } }));
  await fake.store.insertRelease(sampleRelease({ service: 'web', version: '1.0.0' }));
  await fake.store.upsertHost(sampleHost({ host: 'host-a', address: '127.0.0.1', last_heartbeat_at: T }));
});
afterEach(async () => {
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
  await fake.close();
});

function signal(): AbortSignal {
  return new AbortController().signal;
}

describe('runReplay finishing', () => {
  it('fails a rollback replay whose instances never got ready, and changes only the holds it owns', async () => {
    for (const [i, id] of ['web-1', 'web-2', 'web-3'].entries()) await fake.store.insertInstance(sampleInstance({ instance_id: id, service: 'web', port: 9000 + i }));
    const replay = sampleReplay({ replay_id: 'rp-rb-old', service: 'web', version: '1.0.0', purpose: 'rollback', instances: ['web-1', 'web-2', 'web-3'], staging: null });
    await fake.store.insertReplay(replay);
    await fake.store.setReplayHold(['web-1'], HELD('rp-rb-old'));
    await fake.store.setReplayHold(['web-2'], HELD('rp-rb-newer')); // a later rollback's; web-3 a person released
    await runReplay(fake.ctx, replay, config, signal());
    expect(await fake.store.getReplay('rp-rb-old')).toMatchObject({ status: 'failed', passed: false, reason: { code: 'instances_not_ready' } });
    const holds = (await fake.store.listInstances({ service: 'web' })).map((i) => i.replay_hold ?? null);
    expect(holds).toEqual([{ ...HELD('rp-rb-old', true), since: expect.any(Number) }, HELD('rp-rb-newer'), null]);
  });

  it('writes a release replay judged alone as replay evidence with its evidence_recorded event; differences name method and path', async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/b' ? 503 : 200;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const replay = sampleReplay({ replay_id: 'rp-1', service: 'web', version: '1.0.0', baseline_version: null, staging: { host: 'host-a', wanted: true, port, status: 'ready', reason: null } });
    await fake.store.insertReplay(replay);
    await runReplay(fake.ctx, replay, config, signal());
    const done = await fake.store.getReplay('rp-1');
    expect(done).toMatchObject({ status: 'completed', passed: false, staging: { wanted: false } });
    expect(done?.differences).toEqual([{ request: 1, method: 'GET', path: '/b', field: 'status', expected: '< 500', actual: 503 }]);
    const [evidence] = await fake.store.listEvidence('web', '1.0.0');
    expect(evidence).toMatchObject({ check: 'replay', passed: false });
    const events = await fake.store.listAudit({ type: 'evidence_recorded' });
    expect(events.map((e) => e.details)).toMatchObject([{ evidence_id: evidence!.id, check: 'replay' }]);
  });

  it('logs a finish the database refuses and leaves the run running, without rejecting', async () => {
    const replay: Replay = sampleReplay({ replay_id: 'rp-2', service: 'web', version: '1.0.0', baseline_version: null, staging: { host: 'host-a', wanted: true, port: 1, status: 'failed', reason: 'boom' } });
    await fake.store.insertReplay(replay);
    const logged: string[] = [];
    const broken = new Proxy(fake.store, {
      get(target, prop) {
        if (prop === 'transaction') return () => Promise.reject(new Error('database is down'));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const log = Object.assign(Object.create(fake.ctx.log) as typeof fake.ctx.log, { error: (_o: unknown, msg: string) => void logged.push(msg) });
    await expect(runReplay({ ...fake.ctx, store: broken, log }, replay, config, signal())).resolves.toBeUndefined();
    expect(logged).toEqual([expect.stringMatching(/cannot finish the replay/)]);
    expect((await fake.store.getReplay('rp-2'))?.status).toBe('running');
  });
});
