/**
 * The HAProxy provider of the rollback triggers against a real HAProxy (Debian's
 * /usr/sbin/haproxy, started by src/testing/haproxy-process.ts on free loopback ports):
 * two servers behind one backend, the new version's answering 500 and the old version's
 * 200. The first read only sets the starting point; the second gives the new version's
 * 5xx share of what it answered in between, the old version's server left out.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../local-fleet/free-port.js';
import { pollUntil } from '../../../local-fleet/poll-until.js';
import { watchedRelease } from '../../../core/rollback-triggers/watched-release.js';
import { makeInstance, makeOperation, makeService, T0 } from '../../../testing/builders.js';
import { haproxyMissing, startHaproxy, type HaproxyProcess } from '../../../testing/haproxy-process.js';
import { InMemoryStore } from '../../../testing/in-memory-store.js';
import { readServerStats } from '../../traffic/haproxy-runtime-api.js';
import { ProviderRateMeter } from './release-rate-meter.js';

const missing = haproxyMissing();
if (missing !== undefined) console.warn(`HAProxy rate test skipped: ${missing}`);

let haproxy: HaproxyProcess | undefined;
let frontend: string;
const servers: Server[] = [];
const ports: number[] = [];

/** A server healthy on /healthz that answers every other request with `status`. */
async function answering(status: number): Promise<number> {
  const port = await freePort();
  const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : status).end());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return port;
}

beforeAll(async () => {
  if (missing !== undefined) return;
  ports.push(await answering(500), await answering(200));
  haproxy = await startHaproxy({ backend: 'hello', socket: 'tcp', servers: ports.map((port) => ({ name: `hello-h1-${port}`, address: '127.0.0.1', port })) });
  frontend = haproxy.url;
  await pollUntil('both servers to be up', async () => {
    const stats = await readServerStats(haproxy!.socket, 'hello', { timeoutMs: 1000 });
    return stats.length === 2 && stats.every((s) => s.status === 'UP') ? true : undefined;
  }, { timeoutMs: 15_000 });
}, 30_000);

afterAll(async () => {
  await haproxy?.stop();
  for (const server of servers) server.close();
});

async function sendRequests(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await (await fetch(`${frontend}/api/items`)).body?.cancel();
}

describe.skipIf(missing !== undefined)('the HAProxy rates of a watched release', () => {
  it('reads the new version’s 5xx share from the growth of its servers’ counters, the old version’s server left out', async () => {
    const store = new InMemoryStore();
    const service = makeService({
      desired_version: '2.0.0',
      previous_version: '1.0.0',
      traffic: { type: 'haproxy', socket: haproxy!.socket, backend: 'hello' },
      analysis: { provider: 'haproxy', queries: [{ name: 'errors', query: 'error_ratio', success: '< 0.01' }] },
      rollback_triggers: { min_success_rate: 0.9 },
    });
    await store.putService(service);
    await store.upsertHost({ host: 'h1', address: '127.0.0.1', agent_version: null, last_heartbeat_at: T0, kept_releases: {} });
    await store.insertInstance(makeInstance(`hello-h1-${ports[0]}`, '2.0.0', { host: 'h1', port: ports[0]! }));
    await store.insertInstance(makeInstance(`hello-h1-${ports[1]}`, '1.0.0', { host: 'h1', port: ports[1]! }));
    const op = makeOperation({ id: 'dep-2', status: 'succeeded', completed_at: T0, updated_at: T0 });
    const release = watchedRelease(service, op, T0 + 1000)!;
    const meter = new ProviderRateMeter(store, 2000);

    await sendRequests(10);
    expect(await meter.measure(service, release, T0 + 1000)).toMatchObject({ success_rate: null, error_rate: null });
    await sendRequests(20);
    const reading = await meter.measure(service, release, T0 + 2000);
    // Round robin: 10 of the 20 reached the 2.0.0 server, and every one of them failed.
    expect(reading).toMatchObject({ deploy_id: 'dep-2', error_rate: 1, success_rate: 0, baseline_error_rate: null });
    // Nothing in between: no responses is no measurement, not a healthy one.
    expect((await meter.measure(service, release, T0 + 3000))?.error_rate).toBeNaN();
  });
});
