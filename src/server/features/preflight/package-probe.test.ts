/**
 * probePackage against real files and a real HTTP server on loopback: what counts as
 * reachable, the reason code of each failure, the fallback to GET when HEAD is refused
 * (its body never read), and the deadline against a server that never answers.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePackage } from './package-probe.js';

let dir: string;
let server: Server;
let base: string;
const methods: string[] = [];

/** /ok answers 200 to HEAD; /get-only refuses HEAD (405) and streams a long body to GET; /missing 404; /hang never answers. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  methods.push(`${req.method} ${req.url}`);
  if (req.url === '/ok') return void res.writeHead(200, { 'content-length': '1000000' }).end();
  if (req.url === '/get-only') {
    if (req.method === 'HEAD') return void res.writeHead(405).end();
    res.writeHead(200, { 'content-type': 'application/gzip' });
    res.write(Buffer.alloc(64 * 1024));
    return; // the rest of the "package" never comes: a probe that read the body would hang
  }
  if (req.url === '/hang') return;
  res.writeHead(404).end();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-probe-'));
  writeFileSync(join(dir, 'pkg.tar.gz'), 'x');
  mkdirSync(join(dir, 'a-dir'));
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('probePackage: file://', () => {
  it.each([
    ['a readable file', 'pkg.tar.gz', { reachable: true, error: null }],
    ['no such file', 'nope.tar.gz', { reachable: false, error: 'not_found' }],
    ['under a missing directory', 'nodir/pkg.tar.gz', { reachable: false, error: 'not_found' }],
    ['a directory', 'a-dir', { reachable: false, error: 'not_a_file' }],
  ])('%s', async (_name, file, expected) => {
    expect(await probePackage(pathToFileURL(join(dir, file)).href)).toEqual(expected);
  });

  it.skipIf(process.getuid?.() === 0)('a file the server may not read → not_readable', async () => {
    const locked = join(dir, 'locked.tar.gz');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    expect(await probePackage(pathToFileURL(locked).href)).toEqual({ reachable: false, error: 'not_readable' });
  });
});

describe('probePackage: http(s)', () => {
  it('a 2xx to HEAD is reachable, and GET is never sent', async () => {
    methods.length = 0;
    expect(await probePackage(`${base}/ok`)).toEqual({ reachable: true, error: null });
    expect(methods).toEqual(['HEAD /ok']);
  });

  it('a server refusing HEAD is asked with GET, whose endless body is not read', async () => {
    methods.length = 0;
    expect(await probePackage(`${base}/get-only`, 2000)).toEqual({ reachable: true, error: null });
    expect(methods).toEqual(['HEAD /get-only', 'GET /get-only']);
  });

  it('a 404 → http_404', async () => {
    expect(await probePackage(`${base}/missing`)).toEqual({ reachable: false, error: 'http_404' });
  });

  it('a server that never answers → timeout, within the deadline', async () => {
    expect(await probePackage(`${base}/hang`, 200)).toEqual({ reachable: false, error: 'timeout' });
  });

  it('nothing listening → econnrefused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await probePackage(`http://127.0.0.1:${port}/pkg.tar.gz`)).toEqual({ reachable: false, error: 'econnrefused' });
  });

  it('neither http(s) nor file → unsupported_scheme', async () => {
    expect(await probePackage('ftp://example.test/pkg.tar.gz')).toEqual({ reachable: false, error: 'unsupported_scheme' });
  });
});
