/**
 * A real nginx (Debian's /usr/sbin/nginx) for traffic tests: a master process with one
 * worker, its prefix, pid file and error log in a temporary directory, proxying
 * 127.0.0.1:PORT to an upstream block kept in its own file (`upstream.conf`, included from
 * `http`), the file the nginx traffic adapter owns. `proxy_next_upstream off` is nginx's
 * `retries 0`: a request a server lost fails instead of being sent to the next one.
 *
 * The master runs with `daemon off` so it stays this test's child and `stop()` can wait for
 * it, yet it is a real master: `-s reload` (the returned `reloadArgv`) starts new workers
 * and retires the old ones, as on a host.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryMissing, startForegroundServer } from '../local-fleet/foreground-server.js';
import { freeLoopbackPort } from '../transport/free-loopback-port.js';
import { loopbackAccepts } from '../local-fleet/loopback-accepts.js';

export const NGINX_BIN = '/usr/sbin/nginx';

/** Why a test needing nginx must skip here, or undefined when it can run. */
export function nginxMissing(): string | undefined {
  return binaryMissing(NGINX_BIN, 'nginx');
}

export interface NginxServer {
  address: string;
  port: number;
  weight?: number;
}

export interface NginxOptions {
  upstream: string;
  servers: readonly NginxServer[];
}

export interface NginxProcess {
  url: string;
  port: number;
  /** The file holding the upstream block, included from nginx.conf. */
  upstreamFile: string;
  upstream: string;
  prefix: string;
  pidFile: string;
  /** `nginx -p PREFIX -c CONF -e LOG -s reload`: a traffic spec's `reload`. */
  reloadArgv: string[];
  /** The same with `-t`: checks the configuration without touching the running nginx. */
  testArgv: string[];
  /** Ends nginx and keeps its prefix, for a test of what happens when nginx is not running. */
  halt(): Promise<void>;
  /** Ends nginx and removes its prefix. */
  stop(): Promise<void>;
}

/** nginx.conf proxying `port` to `upstream`, whose block is in `upstreamFile`. */
export function nginxConfig(prefix: string, upstream: string, upstreamFile: string, port: number): string {
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    `  include ${upstreamFile};`,
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location / {',
    `      proxy_pass http://${upstream};`,
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_next_upstream off;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The upstream block the fixture starts with (the adapter rewrites it from then on). */
export function initialUpstream(upstream: string, servers: readonly NginxServer[]): string {
  const lines = servers.map((s) => `  server ${s.address}:${s.port} weight=${s.weight ?? 100};`);
  return [`upstream ${upstream} {`, ...lines, '  keepalive 4;', '}', ''].join('\n');
}

export async function startNginx(options: NginxOptions): Promise<NginxProcess> {
  const prefix = mkdtempSync(join(tmpdir(), 'ferry-nginx-'));
  // Workers run as nobody when the tests run as root; they must reach the prefix's temp dirs.
  chmodSync(prefix, 0o755);
  const port = await freeLoopbackPort();
  const conf = join(prefix, 'nginx.conf');
  const upstreamFile = join(prefix, 'upstream.conf');
  const errorLog = join(prefix, 'error.log');
  const pidFile = join(prefix, 'nginx.pid');
  writeFileSync(upstreamFile, initialUpstream(options.upstream, options.servers));
  writeFileSync(conf, nginxConfig(prefix, options.upstream, upstreamFile, port));
  const base = [NGINX_BIN, '-p', prefix, '-c', conf, '-e', errorLog];

  const server = await startForegroundServer('nginx', NGINX_BIN, base.slice(1), {
    what: 'nginx to accept on its port and write its pid file',
    ready: async () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '' && (await loopbackAccepts(port)),
    timeoutMs: 15_000,
    intervalMs: 50,
  });
  const halt = () => server.end();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    upstreamFile,
    upstream: options.upstream,
    prefix,
    pidFile,
    reloadArgv: [...base, '-s', 'reload'],
    testArgv: [...base, '-t'],
    halt,
    async stop() {
      await halt();
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

