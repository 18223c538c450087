/** The client against a real loopback HTTP server answering as Ferry's API would. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { CliFailure } from './exit-codes.js';

let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; authorization: string | undefined; body: string }> = [];

function errorBody(code: string, message: string) {
  return JSON.stringify({ error: { code, message, details: {} } });
}

const ANSWERS: Record<string, [number, string]> = {
  '/api/v1/ok': [200, '{"fine":true}'],
  '/api/v1/created': [201, '{"made":true}'],
  '/api/v1/bad': [400, errorBody('invalid_version', 'version "latest" is a floating label')],
  '/api/v1/unauth': [401, errorBody('unauthenticated', 'missing or bad token')],
  '/api/v1/forbidden': [403, errorBody('forbidden', 'the agent token may not call this route')],
  '/api/v1/missing': [404, errorBody('service_not_found', 'service nope does not exist')],
  '/api/v1/locked': [409, errorBody('service_locked', 'service hello is locked by dep-1')],
  '/api/v1/later': [422, errorBody('release_not_registered', 'release hello 9 is not registered')],
  '/api/v1/frozen': [422, errorBody('frozen', 'service hello is frozen until 18:00')],
  '/api/v1/gated': [422, errorBody('not_admitted', 'the preflight gate did not admit hello 1.1.0')],
  '/api/v1/immutable': [409, errorBody('release_immutable', 'release hello 1.0.0 exists with another sha256')],
  '/api/v1/broken': [500, errorBody('internal', 'something broke')],
  '/api/v1/busy': [503, errorBody('upgrading', 'the system is upgrading, please retry shortly')],
  '/api/v1/html': [502, '<html>bad gateway</html>'],
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      const [status, text] = ANSWERS[(req.url ?? '').split('?')[0] ?? ''] ?? [404, errorBody('not_found', 'no route')];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function failureOf(promise: Promise<unknown>): Promise<CliFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('ApiClient', () => {
  it('sends the bearer token and JSON, and returns the body and status', async () => {
    const client = new ApiClient(`${base}/`, 'secret');
    expect(await client.get('/api/v1/ok', { service: 'hello', type: undefined, limit: 5 })).toEqual({ fine: true });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/v1/ok?service=hello&limit=5', authorization: 'Bearer secret' });
    expect(await client.send('POST', '/api/v1/created', { a: 1 })).toEqual({ status: 201, body: { made: true } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it.each([
    ['/api/v1/bad', 2, 'invalid_version', 'version "latest" is a floating label'],
    ['/api/v1/missing', 2, 'service_not_found', 'service nope does not exist'],
    ['/api/v1/locked', 4, 'service_locked', 'service hello is locked by dep-1'],
    ['/api/v1/frozen', 4, 'frozen', 'service hello is frozen until 18:00'],
    ['/api/v1/gated', 4, 'not_admitted', 'the preflight gate did not admit hello 1.1.0'],
    ['/api/v1/immutable', 2, 'release_immutable', 'release hello 1.0.0 exists with another sha256'],
    ['/api/v1/broken', 1, 'internal', 'something broke'],
    ['/api/v1/later', 2, 'release_not_registered', 'release hello 9 is not registered'],
    ['/api/v1/unauth', 3, 'unauthenticated', 'missing or bad token'],
    ['/api/v1/forbidden', 3, 'forbidden', 'the agent token may not call this route'],
    ['/api/v1/busy', 4, 'upgrading', 'the system is upgrading, please retry shortly'],
    ['/api/v1/html', 1, undefined, 'the server answered HTTP 502'],
  ])('%s → exit %i with the API message', async (path, exitCode, code, message) => {
    const failure = await failureOf(new ApiClient(base, 'secret').get(path));
    expect(failure).toMatchObject({ exitCode, code, message });
  });

  it('hints at the token sources when it had none and got 401', async () => {
    const failure = await failureOf(new ApiClient(base, null).get('/api/v1/unauth'));
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toMatch(/FERRY_TOKEN/);
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('reports an unreachable server as exit 3, retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await failureOf(new ApiClient(`http://127.0.0.1:${port}`, 't').get('/api/v1/ok'));
    expect(failure).toMatchObject({ exitCode: 3, retryable: true });
    expect(failure.message).toMatch(/cannot reach the ferry server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it.each(['not a url', 'ftp://example.com'])('refuses --server %s as bad usage', (server) => {
    expect(() => new ApiClient(server, null)).toThrow(CliFailure);
  });

  it('names the server without a trailing slash', async () => {
    const client = new ApiClient(`${base}/`, null);
    expect(client.serverUrl).toBe(base);
  });
});
