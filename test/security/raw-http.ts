/**
 * Test support: one HTTP request sent exactly as written, with node:http, which puts the
 * request target on the wire unchanged (fetch would normalise `/%61pi` and refuse an
 * absolute-form target), so tests can try every spelling of a path.
 */
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  body: string;
}

export function rawRequest(port: number, method: string, target: string, opts: { token?: string; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, connection: 'close' };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(opts.body));
    }
    const req = request({ host: '127.0.0.1', port, method, path: target, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${target}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function errorCode(answer: RawAnswer): string | undefined {
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
