/**
 * One HTTP request and its whole answer, over node:http or node:https. The CLI uses this
 * rather than the global `fetch` because the first `fetch` in a process loads Node's bundled
 * undici, about 70–100 ms: more than the rest of a client command's start-up. With `ca`, an
 * https server is verified against those certificates only (like fetch-with-ca.ts).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Exchange {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** PEM CA certificates to trust instead of the system roots. */
  ca?: string;
}

export interface ExchangeAnswer {
  status: number;
  text: string;
}

/** Thrown when no answer arrived in time; other network failures keep Node's error (with its `code`). */
export class ExchangeTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export function exchange(url: URL, options: Exchange): Promise<ExchangeAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) };
    const req = send(url, { method: options.method, headers, ...(options.ca !== undefined ? { ca: options.ca } : {}) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    // One deadline for the whole exchange, answer body included.
    const timer = setTimeout(() => req.destroy(new ExchangeTimeoutError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
    req.end(options.body);
  });
}
