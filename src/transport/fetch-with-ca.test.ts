import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTrusting, readCaFile } from './fetch-with-ca.js';

let dir: string;
let caFile: string;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-tls-'));
  caFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  // A self-signed certificate is its own CA.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', caFile], { stdio: 'ignore' });
  server = createServer({ key: await readFile(keyFile), cert: await readFile(caFile) }, (_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as { port: number }).port}/`;
}, 30_000);

afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fetchTrusting', () => {
  it('verifies a server whose certificate the CA file signs', async () => {
    const fetchTls = await fetchTrusting(await readCaFile(caFile));
    const res = await fetchTls(url);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('without the CA file uses the system roots, which refuse that server', async () => {
    const fetchPlain = await fetchTrusting(undefined);
    expect(fetchPlain).toBe(globalThis.fetch);
    const error = await fetchPlain(url).then(() => null, (err: Error & { cause?: { code?: string } }) => err);
    expect(error?.cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
  });

  it('fails at once on a CA file that cannot be read', async () => {
    await expect(readCaFile(join(dir, 'missing.pem'))).rejects.toThrow(/cannot read CA file/);
  });
});
