/**
 * The Prometheus client against a loopback HTTP server that answers as Prometheus does:
 * credentials in the address travel as an Authorization header and never appear in an
 * error, a refused query and a body that is not JSON are errors, NaN stays NaN.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryInstant } from './prometheus-api.js';

let server: Server;
let base: string;
const seen: Array<{ url: string; authorization: string | undefined; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
      const query = new URLSearchParams(body).get('query');
      res.writeHead(query === 'bad(' ? 400 : 200, { 'content-type': 'application/json' });
      if (query === 'bad(') return res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
      if (query === 'html') return res.end('<html>');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'web-1' }, value: [1700000000.5, 'NaN'] }] } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('queryInstant', () => {
  it('sends credentials from the address as basic auth, not in the URL, and keeps NaN', async () => {
    const series = await queryInstant(base.replace('http://', 'http://ferry:s3cret@'), 'up', { timeoutMs: 2000 });
    expect(series).toEqual([{ labels: { instance: 'web-1' }, samples: [[1700000000500, Number.NaN]] }]);
    expect(seen.at(-1)).toMatchObject({ url: '/api/v1/query', authorization: `Basic ${Buffer.from('ferry:s3cret').toString('base64')}` });
  });

  it('an unreachable address with credentials fails without quoting them', async () => {
    const error = await queryInstant('http://ferry:s3cret@127.0.0.1:1', 'up', { timeoutMs: 2000 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:1 did not answer/);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('a refused query and an answer that is not JSON are errors naming what happened', async () => {
    await expect(queryInstant(base, 'bad(', { timeoutMs: 2000 })).rejects.toThrow('Prometheus refused the query: bad_data: parse error');
    await expect(queryInstant(base, 'html', { timeoutMs: 2000 })).rejects.toThrow('Prometheus answered 200 with a body that is not JSON');
  });
});
