/**
 * Packages that never end, end to end: a `file:///dev/zero` package, an HTTP server whose
 * body never ends and one that accepts and never answers. Each deployment must end
 * `failed` with the agent's code (not `rollback_failed`: nothing changed), leave the
 * instance on its release and not shown `deploying`, leave `.tmp` empty, and let the
 * next deployment of a good release succeed. Limits are small (env) so it takes seconds.
 */
import { readdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { HelloService } from './rollout-support.js';

const SERVICE = 'bounded';
const NO_SOAK = { strategy: { type: 'all_at_once', min_healthy_time_s: 0 }, retry_count: 0 };
const ANY_SHA256 = 'a'.repeat(64);

let fleet: LocalFleet;
let svc: HelloService;
let packageServer: Server;
let silentServer: TcpServer;
const sockets = new Set<Socket>();
let base: string;
let silentUrl: string;

function track(socket: Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
}

beforeAll(async () => {
  packageServer = createHttpServer((_req, res) => {
    // An endless body with no Content-Length: only the byte count can stop it.
    const chunk = Buffer.alloc(64 * 1024);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('error', () => undefined);
    pump();
  });
  packageServer.on('connection', track);
  silentServer = createTcpServer(track);
  await Promise.all([packageServer, silentServer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  base = `http://127.0.0.1:${(packageServer.address() as { port: number }).port}`;
  silentUrl = `http://127.0.0.1:${(silentServer.address() as { port: number }).port}/pkg.tar.gz`;
  fleet = await LocalFleet.start({
    hosts: ['local'],
    env: { FERRY_MAX_PACKAGE_BYTES: String(1024 * 1024), FERRY_DOWNLOAD_CONNECT_TIMEOUT_S: '2', FERRY_DOWNLOAD_IDLE_TIMEOUT_S: '1' },
  });
  svc = await HelloService.declare(fleet, SERVICE, 1);
  await svc.release('v1');
  const first = await svc.deployAndWait('v1', NO_SOAK);
  expect(first.status, JSON.stringify(first.reason)).toBe('succeeded');
}, 60_000);

afterAll(async () => {
  await fleet?.stop([SERVICE]);
  for (const s of sockets) s.destroy();
  packageServer?.close();
  silentServer?.close();
}, 60_000);

/** What the instance runs before each case: v1, then the good release the case before deployed. */
let running = 'v1';

const tmpEntries = (): string[] => readdirSync(join(fleet.agentRoot('local'), '.tmp'));

async function instanceStatus(): Promise<string> {
  const { instances } = await fleet.api.get(`/api/v1/services/${SERVICE}/instances`);
  return instances[0].status as string;
}

describe('a deployment whose package never ends', () => {
  it.each([
    ['file:///dev/zero', 'zero', () => 'file:///dev/zero', 'package_not_regular_file'],
    ['an endless HTTP body', 'endless', () => `${base}/endless.tar.gz`, 'package_too_large'],
    ['a server that never answers', 'silent', () => silentUrl, 'download_timeout'],
  ])('%s fails the deployment with its code, changes nothing, and a good release deploys after it', async (_label, version, url, code) => {
    await fleet.api.post('/api/v1/releases', { service: SERVICE, version, package_url: url(), sha256: ANY_SHA256 });
    const started = Date.now();
    const done = await svc.deployAndWait(version, NO_SOAK);
    expect(done.status, JSON.stringify(done.reason)).toBe('failed');
    expect(done.reason?.code).toBe(code);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await svc.versions()).toEqual([running]);
    expect(tmpEntries()).toEqual([]);
    // The failed goal was achieved (with its failure): the instance shows its process again.
    expect(await pollUntil('the instance to be shown ready', async () => ((await instanceStatus()) === 'ready' ? true : undefined), { timeoutMs: 10_000 })).toBe(true);

    const good = `good-${version}`;
    await svc.release(good);
    const next = await svc.deployAndWait(good, NO_SOAK);
    expect(next.status, JSON.stringify(next.reason)).toBe('succeeded');
    expect(await svc.versions()).toEqual([good]);
    expect(tmpEntries()).toEqual([]);
    running = good;
  });
});
