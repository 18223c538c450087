import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../local-fleet/poll-until.js';
import { downloadPackage, type DownloadOptions } from './package-download.js';
import { removeTree } from './read-only-tree.js';

/** Small limits keep every refusal quick. */
const OPTS: DownloadOptions = { maxPackageBytes: 64 * 1024, connectTimeoutMs: 300, idleTimeoutMs: 300 };

let work: string;
const closers: Array<() => void> = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ferry-download-'));
});
afterEach(() => {
  for (const close of closers.splice(0)) close();
});
afterAll(() => removeTree(work));

async function dest(): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'dest-'));
  return path.join(dir, 'pkg.tar.gz');
}

async function emptyDirOf(file: string): Promise<string[]> {
  return readdir(path.dirname(file));
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('downloadPackage from file://', () => {
  it.each([
    ['/dev/zero', async () => '/dev/zero'],
    ['a directory', async () => mkdtemp(path.join(work, 'dir-'))],
    [
      'a FIFO (no writer: opening it must not hang)',
      async () => {
        const fifo = path.join(await mkdtemp(path.join(work, 'fifo-')), 'pipe');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
    ],
  ])('refuses %s as not a regular file, writing nothing', async (_label, make) => {
    const out = await dest();
    const result = await downloadPackage(pathToFileURL(await make()).href, out, OPTS);
    expect(result).toMatchObject({ ok: false, code: 'package_not_regular_file' });
    expect(await emptyDirOf(out)).toEqual([]);
  });

  it('refuses a file larger than maxPackageBytes before reading it', async () => {
    const big = path.join(work, 'big.bin');
    await writeFile(big, Buffer.alloc(OPTS.maxPackageBytes + 1));
    const out = await dest();
    expect(await downloadPackage(pathToFileURL(big).href, out, OPTS)).toMatchObject({ ok: false, code: 'package_too_large' });
    expect(await emptyDirOf(out)).toEqual([]);
  });

  it('reads a regular file within the limit', async () => {
    const small = path.join(work, 'small.bin');
    await writeFile(small, 'hello');
    const result = await downloadPackage(pathToFileURL(small).href, await dest(), OPTS);
    expect(result).toMatchObject({ ok: true, bytes: 5 });
  });
});

describe('downloadPackage over http', () => {
  it('refuses a Content-Length over the limit without reading the body', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
        res.write(Buffer.alloc(1024));
      }),
    );
    const out = await dest();
    const result = await downloadPackage(`http://127.0.0.1:${port}/pkg`, out, OPTS);
    expect(result).toMatchObject({ ok: false, code: 'package_too_large' });
    expect(!result.ok && result.message).toContain('declares');
    expect(await emptyDirOf(out)).toEqual([]);
  });

  it('cuts off an endless body at the limit and deletes what it wrote', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        const chunk = Buffer.alloc(16 * 1024);
        const pump = (): void => {
          while (res.write(chunk));
          res.once('drain', pump);
        };
        res.on('error', () => undefined);
        pump();
      }),
    );
    const out = await dest();
    const result = await downloadPackage(`http://127.0.0.1:${port}/endless`, out, OPTS);
    expect(result).toMatchObject({ ok: false, code: 'package_too_large' });
    expect(await emptyDirOf(out)).toEqual([]);
  });

  it('gives up on a server that accepts and never answers', async () => {
    const port = await listen(createTcpServer(() => undefined));
    const started = Date.now();
    const out = await dest();
    const result = await downloadPackage(`http://127.0.0.1:${port}/silent`, out, OPTS);
    expect(result).toMatchObject({ ok: false, code: 'download_timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await emptyDirOf(out)).toEqual([]);
  });

  it('gives up on a body that stalls midway', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write(Buffer.alloc(100));
      }),
    );
    const out = await dest();
    expect(await downloadPackage(`http://127.0.0.1:${port}/stall`, out, OPTS)).toMatchObject({ ok: false, code: 'download_timeout' });
    expect(await emptyDirOf(out)).toEqual([]);
  });

  it('times out a connection whose TLS handshake never completes (connect timeout)', async () => {
    const port = await listen(createTcpServer(() => undefined));
    const result = await downloadPackage(`https://127.0.0.1:${port}/pkg`, await dest(), { ...OPTS, idleTimeoutMs: 30_000 });
    expect(result).toMatchObject({ ok: false, code: 'download_timeout' });
    expect(!result.ok && result.message).toContain('no connection');
  });

  it('stops at once when its signal aborts, deleting the partial file', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200);
        res.write(Buffer.alloc(1024));
      }),
    );
    const abort = new AbortController();
    const out = await dest();
    const pending = downloadPackage(`http://127.0.0.1:${port}/slow`, out, { ...OPTS, idleTimeoutMs: 30_000, signal: abort.signal });
    // Aborted once the download has begun writing, so there is a partial file to delete.
    await pollUntil('the partial file', async () => ((await emptyDirOf(out)).length > 0 ? true : undefined), { timeoutMs: 10_000, intervalMs: 10 });
    abort.abort();
    expect(await pending).toMatchObject({ ok: false, code: 'cancelled' });
    expect(await emptyDirOf(out)).toEqual([]);
  });

  it('follows a redirect', async () => {
    const port = await listen(
      createHttpServer((req, res) => {
        if (req.url === '/old') return void res.writeHead(302, { location: '/new' }).end();
        res.end('package');
      }),
    );
    expect(await downloadPackage(`http://127.0.0.1:${port}/old`, await dest(), OPTS)).toMatchObject({ ok: true, bytes: 7 });
  });
});

describe('downloadPackage over https', () => {
  it('verifies the package server with the CA it is given, and refuses it without', async () => {
    const certDir = await mkdtemp(path.join(work, 'tls-'));
    const [certFile, keyFile] = [path.join(certDir, 'cert.pem'), path.join(certDir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    const cert = await readFile(certFile, 'utf8');
    const port = await listen(createHttpsServer({ key: await readFile(keyFile), cert }, (_req, res) => res.end('package')) as unknown as Server);
    const url = `https://127.0.0.1:${port}/pkg`;
    expect(await downloadPackage(url, await dest(), { ...OPTS, ca: cert })).toMatchObject({ ok: true, bytes: 7 });
    const refused = await downloadPackage(url, await dest(), OPTS);
    expect(refused).toMatchObject({ ok: false, code: 'download_failed' });
    expect(!refused.ok && refused.message).toMatch(/SELF_SIGNED|self-signed|UNABLE_TO_VERIFY/i);
  });
});
