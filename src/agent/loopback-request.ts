/**
 * One HTTP request to an instance on loopback, for probes and verify checks. Built on
 * node:http rather than fetch: a probe runs every few ms for each starting instance, and
 * fetch's web streams cost several times the CPU of a plain request. That CPU is taken
 * from the instances starting in the same rollout batch on a small host.
 *
 * A fresh connection each time (no keep-alive): a probe must see the process that listens
 * now, not a socket kept open to the one it replaced.
 */
import { request } from 'node:http';

/** The instance's answer, or why there was none (refused, reset, timed out). */
export type LoopbackAnswer = { ok: true; status: number; body: string } | { ok: false; error: string };

/** Longest body kept; a probe or check needs only the start of it. */
const MAX_BODY_BYTES = 64 * 1024;

/** GETs (or `method`s) `path` on 127.0.0.1:`port`, waiting at most `timeoutMs` for the whole answer. */
export function requestLoopback(port: number, path: string, timeoutMs: number, method = 'GET'): Promise<LoopbackAnswer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: path.startsWith('/') ? path : `/${path}`, method, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}
