/**
 * The traffic sync (main's TrafficSync) with the real adapters in front of a real HAProxy
 * and a real nginx: the intents it reads from the store reach the balancer, the results
 * are recorded on the intents, and what a reload made HAProxy forget is put back at the
 * next pass because the adapter observes it.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseUpstreamFile } from '../../core/traffic/nginx-upstream.js';
import type { TrafficSpec } from '../../core/traffic/traffic-spec.js';
import { makeInstance, makeService, T0 } from '../../testing/builders.js';
import { haproxyMissing, startHaproxy, type HaproxyProcess } from '../../testing/haproxy-process.js';
import { InMemoryStore } from '../../testing/in-memory-store.js';
import { startNamedBackends, type NamedBackend } from '../../testing/named-backends.js';
import { nginxMissing, startNginx, type NginxProcess } from '../../testing/nginx-process.js';
import { createTrafficAdapter } from './create-traffic-adapter.js';
import { readServerStats } from './haproxy-runtime-api.js';
import { TrafficSync } from './traffic-sync.js';

let backends: NamedBackend[];
let haproxy: HaproxyProcess | undefined;
let nginx: NginxProcess | undefined;
beforeAll(async () => {
  backends = await startNamedBackends(2);
});
afterEach(async () => {
  await haproxy?.stop();
  await nginx?.stop();
  haproxy = undefined;
  nginx = undefined;
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

/** A store holding service `web` with `traffic` and one instance per backend, the first one to be drained. */
async function storeWith(traffic: TrafficSpec): Promise<InMemoryStore> {
  const store = new InMemoryStore();
  await store.putService(makeService({ name: 'web', traffic }));
  for (const [n, backend] of backends.entries()) {
    const state = n === 0 ? 'drain' : 'ready';
    await store.insertInstance(makeInstance(backend.name, '1.0.0', { service: 'web', host: backend.address, port: backend.port, traffic: { intent: { state, weight: 100, seq: 1, at: T0 }, applied: null } }));
  }
  return store;
}

function syncFor(store: InMemoryStore): TrafficSync {
  return new TrafficSync({ store, log: pino({ level: 'silent' }), now: () => T0 + 1000, createAdapter: (spec) => createTrafficAdapter(spec, { timeoutMs: 10_000 }), retryMs: 5000 });
}

describe.skipIf(haproxyMissing() !== undefined)(`the traffic sync with a real HAProxy${haproxyMissing() ? ` (skipped: ${haproxyMissing()})` : ''}`, () => {
  it('applies the intents, records them, and re-applies a drain a reload forgot', async () => {
    haproxy = await startHaproxy({ servers: backends, socket: 'unix' });
    const store = await storeWith({ type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend });
    const sync = syncFor(store);
    const status = async () => new Map((await readServerStats(haproxy!.socket, haproxy!.backend, { timeoutMs: 2000 })).map((s) => [s.server, s.status]));

    expect(await sync.syncAll()).toBe(true);
    expect(await status()).toEqual(new Map([['web1', 'DRAIN'], ['web2', 'UP']]));
    expect((await store.getInstance('web1'))?.traffic?.applied).toMatchObject({ seq: 1, ok: true });
    expect(sync.connections('web')).toEqual(new Map([['web1', 0], ['web2', 0]]));

    await haproxy.reload();
    expect((await status()).get('web1')).toBe('UP');
    await sync.syncAll();
    expect((await status()).get('web1')).toBe('DRAIN');
  });
});

describe.skipIf(nginxMissing() !== undefined)(`the traffic sync with a real nginx${nginxMissing() ? ` (skipped: ${nginxMissing()})` : ''}`, () => {
  it('writes the upstream file from the intents and records them applied', async () => {
    nginx = await startNginx({ upstream: 'app', servers: backends });
    const store = await storeWith({ type: 'nginx', upstream_file: nginx.upstreamFile, upstream: nginx.upstream, reload: nginx.reloadArgv });
    const sync = syncFor(store);
    expect(await sync.syncAll()).toBe(true);
    expect(parseUpstreamFile(readFileSync(nginx.upstreamFile, 'utf8')).map((s) => [s.instance_id, s.state])).toEqual([
      ['web1', 'drain'],
      ['web2', 'ready'],
    ]);
    expect((await store.getInstance('web1'))?.traffic?.applied).toMatchObject({ seq: 1, ok: true });
    // Nothing changed since: a second pass leaves nginx alone.
    expect(await sync.syncAll()).toBe(false);
  });
});
