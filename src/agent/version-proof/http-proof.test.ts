/** The `http` check against a real loopback server: field, dotted field, header, and answers without a version. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local-fleet/free-port.js';
import { proveByHttp, VERSION_BODY_MAX_BYTES } from './http-proof.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/version':
        return res.end(JSON.stringify({ version: '1.4.0' }));
      case '/about':
        return res.end(JSON.stringify({ build: { version: '1.4.0', number: 7 } }));
      case '/headers':
        res.setHeader('X-App-Version', ' 1.4.0 ');
        return res.end('ok');
      case '/sentence':
        return res.end(JSON.stringify({ version: 'version one point four, built on a tuesday' }));
      case '/html':
        return res.end('<html>hello</html>');
      case '/huge':
        return res.end(`{"version":"1.4.0","pad":"${'x'.repeat(VERSION_BODY_MAX_BYTES)}"}`);
      case '/busy':
        res.statusCode = 503;
        return res.end();
      default:
        res.statusCode = 404;
        return res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('proveByHttp', () => {
  it.each([
    [{ path: '/version' }, { kind: 'proven', version: '1.4.0', source: { type: 'http', detail: 'GET /version field version' } }],
    [{ path: '/about', field: 'build.version' }, { kind: 'proven', version: '1.4.0', source: { type: 'http', detail: 'GET /about field build.version' } }],
    [{ path: '/headers', header: 'x-app-version' }, { kind: 'proven', version: '1.4.0', source: { type: 'http', detail: 'GET /headers header x-app-version' } }],
    [{ path: '/about', field: 'build.number' }, { kind: 'unavailable', why: 'answered JSON without a string field build.number on /about' }],
    [{ path: '/version', header: 'X-App-Version' }, { kind: 'unavailable', why: 'answered /version without a X-App-Version header' }],
    [{ path: '/nope' }, { kind: 'unavailable', why: 'answered 404 on /nope' }],
    [{ path: '/html' }, { kind: 'unavailable', why: 'answered non-JSON on /html' }],
    [{ path: '/sentence' }, { kind: 'unavailable', why: 'answered "version one point four, built on a tuesd"… in field version on /sentence, which is no version name' }],
    [{ path: '/huge' }, { kind: 'unavailable', why: `answered more than ${VERSION_BODY_MAX_BYTES} bytes on /huge` }],
    [{ path: '/busy' }, { kind: 'pending', why: 'answered 503 on /busy' }],
  ])('%j → %j', async (check, expected) => {
    expect(await proveByHttp({ type: 'http', ...check }, port)).toEqual(expected);
  });

  it('is pending when nothing answers', async () => {
    expect(await proveByHttp({ type: 'http', path: '/version' }, await freePort())).toMatchObject({ kind: 'pending', why: expect.stringContaining('no answer on /version') });
  });
});
