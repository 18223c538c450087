/**
 * The HAProxy adapter against a real HAProxy (src/local-fleet/haproxy-process.ts) in front of
 * real HTTP backends: what it applies is what `show stat` shows and what requests through
 * the frontend do; what it reads back is what HAProxy has, also after a reload forgot it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { haproxyMissing, startHaproxy, type HaproxyProcess } from '../../local-fleet/haproxy-process.js';
import { startNamedBackends, type NamedBackend } from '../../testing/named-backends.js';
import { freeLoopbackPort } from '../../transport/free-loopback-port.js';
import { haproxyCommands, HaproxyTrafficAdapter, observedFromStat } from './haproxy-adapter.js';
import { readServerStats } from './haproxy-runtime-api.js';
import type { DesiredTraffic } from './traffic-adapter.js';

const OPTIONS = { timeoutMs: 2000 };
let backends: NamedBackend[];
let haproxy: HaproxyProcess | undefined;

beforeAll(async () => {
  backends = await startNamedBackends(2);
});
afterEach(async () => {
  await haproxy?.stop();
  haproxy = undefined;
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

function desired(backend: NamedBackend, state: 'ready' | 'drain', weight = 100, id = backend.name): DesiredTraffic {
  return { instance_id: id, service: 'web', address: backend.address, host: 'host-1', port: backend.port, state, weight };
}

async function statusOf(server: string): Promise<{ status: string; weight: number; scur: number }> {
  const stat = (await readServerStats(haproxy!.socket, haproxy!.backend, OPTIONS)).find((s) => s.server === server);
  if (stat === undefined) throw new Error(`no server ${server}`);
  return { status: stat.status, weight: stat.weight, scur: stat.scur };
}

async function served(requests: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < requests; i++) {
    const name = await (await fetch(haproxy!.url)).text();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

describe('haproxyCommands', () => {
  it.each([
    ['ready: the weight first, then in', { state: 'ready', weight: 20 }, ['set server app/web-1 weight 20', 'set server app/web-1 state ready']],
    ['drain: out first, then the weight', { state: 'drain', weight: 100 }, ['set server app/web-1 state drain', 'set server app/web-1 weight 100']],
    ['a weight off the scale is clamped to 0–256', { state: 'ready', weight: 300.2 }, ['set server app/web-1 weight 256', 'set server app/web-1 state ready']],
  ] as const)('%s', (_name, change, commands) => {
    expect(haproxyCommands('app', 'web-1', change)).toEqual(commands);
  });
});

describe.skipIf(haproxyMissing() !== undefined)(`HaproxyTrafficAdapter with a real HAProxy${haproxyMissing() ? ` (skipped: ${haproxyMissing()})` : ''}`, () => {
  it('drains an instance: show stat says DRAIN, requests reach only the other, and its open connection is counted until it ends', async () => {
    haproxy = await startHaproxy({ servers: backends, socket: 'unix' });
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend }, OPTIONS);
    // Hold one request open on web1: drain web2 so it must go there, then let web2 back in.
    expect(await adapter.apply([desired(web1, 'ready'), desired(web2, 'drain')], new Set(['web2']))).toEqual(new Map([['web2', { ok: true }]]));
    const held = fetch(`${haproxy.url}/hold`).then((r) => r.text());
    await pollUntil('the held request to reach web1', async () => ((await statusOf('web1')).scur === 1 ? true : undefined), { timeoutMs: 5000 });

    const results = await adapter.apply([desired(web1, 'drain'), desired(web2, 'ready')], new Set(['web1', 'web2']));
    expect(results).toEqual(new Map([['web1', { ok: true }], ['web2', { ok: true }]]));
    expect(await statusOf('web1')).toMatchObject({ status: 'DRAIN', scur: 1 });
    expect(await served(10)).toEqual(new Map([['web2', 10]]));
    const targets = [desired(web1, 'drain'), desired(web2, 'ready')];
    expect(await adapter.activeConnections(targets)).toEqual(new Map([['web1', 1], ['web2', 0]]));
    expect(await adapter.observe(targets)).toEqual(new Map([['web1', { state: 'drain', weight: 100 }], ['web2', { state: 'ready', weight: 100, serving: true }]]));

    web1.release();
    expect(await held).toBe('web1');
    await pollUntil('the drained connection to end', async () => ((await adapter.activeConnections(targets))?.get('web1') === 0 ? true : undefined), { timeoutMs: 5000 });
  });

  it('lets an instance back in at its weight, and HAProxy shares requests by weight', async () => {
    haproxy = await startHaproxy({ servers: backends, socket: 'tcp' });
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend }, OPTIONS);
    await adapter.apply([desired(web1, 'drain'), desired(web2, 'ready')], new Set(['web1']));
    const results = await adapter.apply([desired(web1, 'ready', 100), desired(web2, 'ready', 25)], new Set(['web1', 'web2']));
    expect(results).toEqual(new Map([['web1', { ok: true }], ['web2', { ok: true }]]));
    expect(await statusOf('web1')).toMatchObject({ status: 'UP', weight: 100 });
    expect(await statusOf('web2')).toMatchObject({ status: 'UP', weight: 25 });
    const counts = await served(100);
    expect(counts.get('web1')).toBeGreaterThanOrEqual(70);
    expect(counts.get('web2')).toBeGreaterThanOrEqual(10);
    expect(await adapter.observe([desired(web1, 'ready'), desired(web2, 'ready')])).toEqual(new Map([['web1', { state: 'ready', weight: 100, serving: true }], ['web2', { state: 'ready', weight: 25, serving: true }]]));
  });

  it('a ready instance at weight 0 (a canary at 100 %) gets no request and is observed ready at 0', async () => {
    haproxy = await startHaproxy({ servers: backends, socket: 'unix' });
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend }, OPTIONS);
    const targets = [desired(web1, 'ready', 0), desired(web2, 'ready', 256)];
    expect(await adapter.apply(targets, new Set(['web1', 'web2']))).toEqual(new Map([['web1', { ok: true }], ['web2', { ok: true }]]));
    expect(await served(10)).toEqual(new Map([['web2', 10]]));
    expect(await adapter.observe(targets)).toEqual(new Map([['web1', { state: 'ready', weight: 0, serving: true }], ['web2', { state: 'ready', weight: 256, serving: true }]]));
  });

  it('names servers by the server_name template', async () => {
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    haproxy = await startHaproxy({ servers: [{ ...web1, name: 'web_i-1' }, { ...web2, name: 'web_i-2' }], backend: 'web_backend', socket: 'unix' });
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: haproxy.socket, backend: 'web_backend', server_name: '{service}_{instance}' }, OPTIONS);
    const targets = [desired(web1, 'drain', 100, 'i-1'), desired(web2, 'ready', 100, 'i-2')];
    expect(await adapter.apply(targets, new Set(['i-1']))).toEqual(new Map([['i-1', { ok: true }]]));
    expect(await statusOf('web_i-1')).toMatchObject({ status: 'DRAIN' });
    expect(await adapter.observe(targets)).toEqual(new Map([['i-1', { state: 'drain', weight: 100 }], ['i-2', { state: 'ready', weight: 100, serving: true }]]));
  });

  it('observes that a reload lost what it applied', async () => {
    haproxy = await startHaproxy({ servers: backends, socket: 'unix' });
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend }, OPTIONS);
    const targets = [desired(web1, 'drain'), desired(web2, 'ready', 40)];
    await adapter.apply(targets, new Set(['web1', 'web2']));
    expect(await adapter.observe(targets)).toEqual(new Map([['web1', { state: 'drain', weight: 100 }], ['web2', { state: 'ready', weight: 40, serving: true }]]));
    await haproxy.reload();
    expect(await adapter.observe(targets)).toEqual(new Map([['web1', { state: 'ready', weight: 100, serving: true }], ['web2', { state: 'ready', weight: 100, serving: true }]]));
  });

  it('a server HAProxy does not have is that instance’s error, with HAProxy’s message; it counts no connection and is observed as other', async () => {
    haproxy = await startHaproxy({ servers: backends, socket: 'unix' });
    const [web1] = backends as [NamedBackend];
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend }, OPTIONS);
    const ghost = desired(web1, 'drain', 100, 'ghost');
    const results = await adapter.apply([desired(web1, 'ready'), ghost], new Set(['web1', 'ghost']));
    expect(results.get('web1')).toEqual({ ok: true });
    expect(results.get('ghost')).toEqual({ ok: false, error: 'HAProxy refused "set server app/ghost state drain": No such server.' });
    expect(await adapter.activeConnections([ghost])).toEqual(new Map([['ghost', 0]]));
    expect(await adapter.observe([ghost])).toEqual(new Map([['ghost', { state: 'other', weight: 0 }]]));
  });

  it('a server name the template renders with a space or ; is refused before anything is sent', async () => {
    haproxy = await startHaproxy({ servers: backends, socket: 'unix' });
    const [web1] = backends as [NamedBackend];
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend }, OPTIONS);
    const results = await adapter.apply([desired(web1, 'drain', 100, 'web1 ; disable server app/web2')], new Set(['web1 ; disable server app/web2']));
    expect([...results.values()][0]).toMatchObject({ ok: false, error: expect.stringContaining('is not an HAProxy server name') });
    expect((await statusOf('web2')).status).toBe('UP');
  });
});

describe('HaproxyTrafficAdapter without a usable socket', () => {
  // Accepts and reads, never answers, and keeps its side open while the client has ended its own.
  let silent: Server;
  let silentPort: number;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    silentPort = await freeLoopbackPort();
    silent = createServer({ allowHalfOpen: true }, (socket) => {
      accepted.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const both = (name: string) => [desired(backends[0]!, 'drain', 100, `${name}-1`), desired(backends[1]!, 'ready', 100, `${name}-2`)];

  it.each([
    ['a socket path that does not exist', () => join(tmpdir(), 'ferry-no-such-haproxy.sock'), /ENOENT/],
    ['a TCP port nothing listens on', async () => `tcp:127.0.0.1:${await freeLoopbackPort()}`, /ECONNREFUSED/],
    ['a socket that never answers', () => `tcp:127.0.0.1:${silentPort}`, /no answer .* within 300 ms/],
  ])('%s: error results for every changed instance, undefined readings, no throw', async (name, socket, error) => {
    const adapter = new HaproxyTrafficAdapter({ type: 'haproxy', socket: await socket(), backend: 'app' }, { timeoutMs: 300 });
    const targets = both(name.replace(/\W+/g, '-'));
    const results = await adapter.apply(targets, new Set(targets.map((t) => t.instance_id)));
    expect(results.size).toBe(2);
    for (const result of results.values()) expect(result).toMatchObject({ ok: false, error: expect.stringMatching(error) });
    expect(await adapter.activeConnections(targets)).toBeUndefined();
    expect(await adapter.observe(targets)).toBeUndefined();
  });
});

describe('observedFromStat', () => {
  const stat = (status: string) => ({ backend: 'app', server: 'web-1', status, weight: 100, scur: 0, hrsp_2xx: 0, hrsp_5xx: 0, responses: 0, rtime: 0 });
  it.each([
    ['UP', { state: 'ready', weight: 100, serving: true }],
    ['UP 1/3', { state: 'ready', weight: 100, serving: true }],
    ['no check', { state: 'ready', weight: 100, serving: true }],
    ['DOWN', { state: 'ready', weight: 100, serving: false }],
    ['DOWN 1/2', { state: 'ready', weight: 100, serving: false }],
    ['NOLB', { state: 'ready', weight: 100, serving: false }],
    ['DRAIN', { state: 'drain', weight: 100 }],
    ['MAINT', { state: 'other', weight: 100 }],
  ])('status %s → %j', (status, observed) => {
    expect(observedFromStat(stat(status))).toEqual(observed);
  });
});

