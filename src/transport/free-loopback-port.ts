/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, picked by the kernel: where the
 * agent starts a staging instance, and where the local fleet (demo, tests, benchmarks) puts
 * its processes. Another process may take it before the caller binds it; callers that bind
 * at once rarely lose that race, and the ones that do fail loudly.
 */
import { createServer } from 'node:net';

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
