/**
 * Plain HTTP servers on free loopback ports that answer every request with their own name,
 * for load-balancer tests to see where a request went. `GET /healthz` answers 200 while
 * `healthy` is true (503 otherwise), which is what HAProxy's check in haproxy-process.ts asks.
 * `hold()` keeps requests open until released, so a test can see a connection a drain waits on.
 */
import { createServer, type ServerResponse } from 'node:http';
import { freeLoopbackPort } from '../transport/free-loopback-port.js';

export interface NamedBackend {
  name: string;
  address: string;
  port: number;
  healthy: boolean;
  /** Requests to `/hold` it is holding open now. */
  readonly holding: number;
  /** Answers every request to `/hold` held open so far. */
  release(): void;
  close(): Promise<void>;
}

export async function startNamedBackend(name: string): Promise<NamedBackend> {
  const port = await freeLoopbackPort();
  const held: ServerResponse[] = [];
  const backend: NamedBackend = {
    name,
    address: '127.0.0.1',
    port,
    healthy: true,
    get holding() {
      return held.length;
    },
    release() {
      for (const res of held.splice(0)) res.end(name);
    },
    close: () =>
      new Promise<void>((resolve) => {
        backend.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.statusCode = backend.healthy ? 200 : 503;
      return res.end(backend.healthy ? 'ok' : 'unhealthy');
    }
    if (req.url === '/hold') return void held.push(res);
    res.end(name);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return backend;
}

/** `count` backends named `prefix1`, `prefix2`, … */
export function startNamedBackends(count: number, prefix = 'web'): Promise<NamedBackend[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startNamedBackend(`${prefix}${i + 1}`)));
}
