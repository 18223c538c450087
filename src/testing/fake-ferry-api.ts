/**
 * A real loopback HTTP server answering as Ferry's API would, for CLI tests: each
 * route has a script of answers given in turn (the last one repeats), so a test can
 * play a deployment from running through paused to succeeded. It checks the bearer
 * token like the real server and keeps every request, so a test can assert what the
 * CLI sent on the wire.
 */
import { createServer, type Server } from 'node:http';

/** HTTP status and JSON body. */
export type Answer = [status: number, body: unknown];

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

export interface FakeFerryApi {
  url: string;
  token: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export function apiError(status: number, code: string, message: string): Answer {
  return [status, { error: { code, message, details: {} } }];
}

/** `routes` maps "METHOD /raw/path" (percent-encoding as sent) to its answers. */
export async function startFakeFerryApi(routes: Record<string, Answer[]>, token = 'secret'): Promise<FakeFerryApi> {
  const requests: SeenRequest[] = [];
  const served = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body };
      requests.push(seen);
      const [status, answer] = answerFor(seen);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });

  function answerFor(seen: SeenRequest): Answer {
    if (seen.authorization !== `Bearer ${token}`) return apiError(401, 'invalid_token', 'the token is not valid');
    const key = `${seen.method} ${seen.url.split('?')[0]}`;
    const script = routes[key];
    if (script === undefined || script.length === 0) return apiError(404, 'not_found', `no route ${key}`);
    const turn = served.get(key) ?? 0;
    served.set(key, turn + 1);
    return script[Math.min(turn, script.length - 1)] as Answer;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
