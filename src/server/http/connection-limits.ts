/**
 * Limits that keep slow or greedy clients from holding the server: a request's headers
 * and body must arrive within `requestTimeoutMs` (Node checks every `checkIntervalMs`),
 * and one client address may hold at most `perClient` connections; past that a new
 * connection is closed at once. Long-polls are unaffected: the limit is on receiving the
 * request, not on answering it.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  requestTimeoutMs: number;
  perClient: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { requestTimeoutMs: 10_000, perClient: 512 };

/** Options for `http.createServer` / `https.createServer` that make Node enforce the timeouts promptly. */
export function serverTimeoutOptions(limits: ConnectionLimits) {
  return { headersTimeout: limits.requestTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs) };
}

/** Counts connections per remote address and closes those over the limit. */
export function limitConnectionsPerClient(server: Server, perClient: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > perClient) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
