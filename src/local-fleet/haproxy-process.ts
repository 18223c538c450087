/**
 * A real HAProxy (Debian's /usr/sbin/haproxy) for traffic tests, the benchmark and the demo: one HTTP frontend on a
 * free loopback port in front of one backend with the caller's servers, health-checked with
 * `GET /healthz`, and a stats socket at `level admin` (a unix path or a loopback TCP port)
 * for the runtime API. `retries` defaults to 0 so no retry hides a request a server lost.
 * The process runs in the foreground (`-db`) as this test's child; `stop()` ends it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryMissing, startForegroundServer, type ForegroundServer } from './foreground-server.js';
import { runtimeCommand } from '../server/traffic/haproxy-runtime-api.js';
import { freeLoopbackPort } from '../transport/free-loopback-port.js';
import { loopbackAccepts } from './loopback-accepts.js';

export const HAPROXY_BIN = '/usr/sbin/haproxy';

/** Why HAProxy cannot run here (a test then skips, the demo skips its step), or undefined when it can. */
export function haproxyMissing(): string | undefined {
  return binaryMissing(HAPROXY_BIN, 'haproxy');
}

export interface HaproxyServer {
  name: string;
  address: string;
  port: number;
  weight?: number;
}

export interface HaproxyOptions {
  servers: readonly HaproxyServer[];
  backend?: string;
  retries?: number;
  socket: 'unix' | 'tcp';
  checkIntervalMs?: number;
}

export interface HaproxyProcess {
  /** The frontend, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** The stats socket as a traffic spec names it: a path, or `tcp:127.0.0.1:P`. */
  socket: string;
  backend: string;
  /** Restarts HAProxy with the same config: runtime changes are forgotten, as on a real reload. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** The whole haproxy.cfg for `options`, the frontend on `port`, the stats socket at `statsBind`. */
export function haproxyConfig(options: HaproxyOptions, backend: string, port: number, statsBind: string): string {
  const inter = options.checkIntervalMs ?? 200;
  return [
    'global',
    `  stats socket ${statsBind} level admin`,
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    `  retries ${options.retries ?? 0}`,
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend ferry_test',
    `  bind 127.0.0.1:${port}`,
    `  default_backend ${backend}`,
    `backend ${backend}`,
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    ...options.servers.map((s) => `  server ${s.name} ${s.address}:${s.port} weight ${s.weight ?? 100} check inter ${inter}ms rise 1 fall 1`),
    '',
  ].join('\n');
}

export async function startHaproxy(options: HaproxyOptions): Promise<HaproxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-haproxy-'));
  const backend = options.backend ?? 'app';
  const port = await freeLoopbackPort();
  let socket: string;
  let statsBind: string;
  if (options.socket === 'unix') {
    socket = join(dir, 'admin.sock');
    statsBind = socket;
  } else {
    const statsPort = await freeLoopbackPort();
    socket = `tcp:127.0.0.1:${statsPort}`;
    statsBind = `ipv4@127.0.0.1:${statsPort}`;
  }
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(options, backend, port, statsBind));

  let server = await launch(config, port, socket);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    socket,
    backend,
    async reload() {
      await server.end();
      server = await launch(config, port, socket);
    },
    async stop() {
      await server.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts HAProxy on `config` and waits until the frontend accepts and the socket answers. */
function launch(config: string, port: number, socket: string): Promise<ForegroundServer> {
  return startForegroundServer('haproxy', HAPROXY_BIN, ['-f', config, '-db'], {
    what: 'HAProxy to accept on its frontend and answer "show info"',
    ready: async () => (await loopbackAccepts(port)) && (await runtimeCommand(socket, 'show info', { timeoutMs: 1000 })).includes('Name: HAProxy'),
    timeoutMs: 15_000,
    intervalMs: 50,
  });
}
