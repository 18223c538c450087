import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../local-fleet/free-port.js';
import { describeLoad, reasonOf, startLoad, versionIn } from './load-generator.js';

const servers: Server[] = [];

/** A loopback server answering with `handler`; it counts the connections clients opened. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; connections: () => number }> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/version`, connections: () => connections };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const answerVersion = (version: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ version }));
};

describe('startLoad', () => {
  it('sends at the fixed rate over a few keep-alive connections and tallies answers by version', async () => {
    const target = await serve(answerVersion('v1'));
    const report = await startLoad({ url: target.url, rate: 200, connections: 4, durationMs: 500 }).finished;

    expect(report.sent).toBe(100);
    expect(report.ok, describeLoad(report)).toBe(100);
    expect(report.failed).toBe(0);
    expect(report.versions).toEqual({ v1: 100 });
    // Open loop on a schedule: 100 requests at 200/s take about half a second, not less.
    expect(report.elapsedMs).toBeGreaterThanOrEqual(480);
    // Keep-alive: the 4 connections carry every request.
    expect(target.connections()).toBeLessThanOrEqual(4);
  });

  it('counts a non-2xx answer by its status and keeps its body as the detail', async () => {
    let n = 0;
    const target = await serve((_req, res) => {
      if (n++ % 2 === 0) return answerVersion('v2')(_req, res);
      res.writeHead(503);
      res.end('draining');
    });
    const report = await startLoad({ url: target.url, rate: 500, maxRequests: 10 }).finished;

    expect(report).toMatchObject({ sent: 10, ok: 5, failed: 5, failures: { status_503: 5 }, versions: { v2: 5 } });
    expect(report.firstFailures[0]).toMatchObject({ reason: 'status_503', detail: 'draining' });
  });

  it('fails a request that gets no answer in time as a timeout, and stop() waits for no longer than that', async () => {
    const target = await serve(() => undefined);
    const load = startLoad({ url: target.url, rate: 100, timeoutMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // let a few requests go out: this measures the load, it waits for no state
    const started = performance.now();
    const report = await load.stop();

    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.sent).toBeGreaterThan(0);
    expect(report).toMatchObject({ ok: 0, failed: report.sent, failures: { timeout: report.sent } });
  });

  it('counts a connection the server cuts as a reset, and a closed port as refused', async () => {
    const cutting = await serve((req) => req.socket.destroy());
    const cut = await startLoad({ url: cutting.url, rate: 200, maxRequests: 5 }).finished;
    expect(cut.failed, describeLoad(cut)).toBe(5);
    expect(Object.keys(cut.failures).every((reason) => ['socket_hang_up', 'connection_reset'].includes(reason)), describeLoad(cut)).toBe(true);

    const closed = await startLoad({ url: `http://127.0.0.1:${await freePort()}/version`, rate: 200, maxRequests: 3 }).finished;
    expect(closed).toMatchObject({ sent: 3, ok: 0, failures: { connection_refused: 3 } });
  });

  describe('a keep-alive connection the server closes before answering the next request on it', () => {
    /** Answers the first request on each connection and cuts the second unanswered, as a reloading balancer closes idle ones. */
    async function cutsSecondRequests() {
      const seen = new WeakMap<Socket, number>();
      return serve((req, res) => {
        const n = (seen.get(req.socket) ?? 0) + 1;
        seen.set(req.socket, n);
        if (n >= 2) return req.socket.destroy();
        answerVersion('v1')(req, res);
      });
    }

    it('fails the request by default, saying the connection was reused', async () => {
      const report = await startLoad({ url: (await cutsSecondRequests()).url, rate: 100, connections: 1, maxRequests: 4 }).finished;
      expect(report.ok, describeLoad(report)).toBeGreaterThanOrEqual(1);
      expect(report.failed, describeLoad(report)).toBeGreaterThanOrEqual(1);
      expect(report.resent).toBe(0);
      expect(report.firstFailures[0]?.detail).toContain('reused keep-alive connection');
    });

    it('with resendUnanswered sends it again on a new connection, and counts that', async () => {
      const report = await startLoad({ url: (await cutsSecondRequests()).url, rate: 100, connections: 1, maxRequests: 4, resendUnanswered: 1 }).finished;
      expect(report, describeLoad(report)).toMatchObject({ sent: 4, ok: 4, failed: 0, versions: { v1: 4 } });
      expect(report.resent).toBeGreaterThanOrEqual(1);
      expect(describeLoad(report)).toContain('resends after a connection closed before any answer');
    });

    it('sends a request again at most resendUnanswered times, then counts it failed', async () => {
      const cutting = await serve((req) => req.socket.destroy());
      const report = await startLoad({ url: cutting.url, rate: 200, maxRequests: 5, resendUnanswered: 2 }).finished;
      expect(report).toMatchObject({ ok: 0, failed: 5, resent: 10 });
    });

    it('never sends again a request that got an answer, even a failing one', async () => {
      const failing = await serve((_req, res) => {
        res.writeHead(502);
        res.end('bad gateway');
      });
      const report = await startLoad({ url: failing.url, rate: 200, maxRequests: 5, resendUnanswered: 2 }).finished;
      expect(report).toMatchObject({ ok: 0, failed: 5, resent: 0, failures: { status_502: 5 } });
    });
  });

  it('accounts for every request: ok plus failed is sent, whatever the answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(200, 201, 404, 500, 503), { minLength: 1, maxLength: 25 }), async (statuses) => {
        const queue = [...statuses];
        const target = await serve((_req, res) => {
          res.writeHead(queue.shift() ?? 599, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ version: 'v1' }));
        });
        const report = await startLoad({ url: target.url, rate: 2000, maxRequests: statuses.length }).finished;
        const okCount = statuses.filter((s) => s < 300).length;
        expect(report.sent).toBe(statuses.length);
        expect(report.ok + report.failed).toBe(report.sent);
        expect(report.ok).toBe(okCount);
        expect(report.versions).toEqual(okCount > 0 ? { v1: okCount } : {});
        for (const status of [404, 500, 503]) expect(report.failures[`status_${status}`] ?? 0).toBe(statuses.filter((s) => s === status).length);
      }),
      { numRuns: 15 },
    );
  });
});

describe('versionIn and reasonOf', () => {
  it.each([
    ['{"version":"v2","ready":true}', 'v2'],
    ['{"query":"a","items":[],"version":"1.0.0"}', '1.0.0'],
    ['{"version":""}', 'unknown'],
    ['{"version":3}', 'unknown'],
    ['hello from hello v1', 'unknown'],
  ])('%s names version %s', (body, version) => {
    expect(versionIn(body)).toBe(version);
  });

  it.each([
    [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, 'connection_reset'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'socket_hang_up'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'connection_refused'],
    [{ code: 'EPIPE', message: 'write EPIPE' }, 'broken_pipe'],
    [{ code: 'EHOSTUNREACH', message: 'x' }, 'ehostunreach'],
    [{ message: 'x' }, 'error'],
  ])('%o is %s', (err, reason) => {
    expect(reasonOf(Object.assign(new Error(err.message), err))).toBe(reason);
  });
});
