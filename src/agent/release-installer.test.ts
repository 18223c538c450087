import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, buildRawArchive } from '../testing/fake-release-package.js';
import { releaseDir, tmpDir } from './host-layout.js';
import { installRelease } from './release-installer.js';
import { removeTree } from './read-only-tree.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ferry-installer-'));
});
afterAll(async () => {
  await removeTree(work);
});

async function freshRoot(): Promise<string> {
  const root = await mkdtemp(path.join(work, 'root-'));
  await mkdir(tmpDir(root));
  return root;
}

describe('installRelease', () => {
  it('installs a good package read-only into releases/<version>', async () => {
    const root = await freshRoot();
    const pkg = await buildPackage(work, 'good', '1.0.0', { 'lib/data.txt': 'data' });
    const result = await installRelease(root, 'hello', '1.0.0', { package_url: pkg.url, sha256: pkg.sha256 });
    expect(result).toEqual({ ok: true, dir: releaseDir(root, 'hello', '1.0.0'), downloaded: true });
    const dir = releaseDir(root, 'hello', '1.0.0');
    expect((await readFile(path.join(dir, 'VERSION'), 'utf8')).trim()).toBe('1.0.0');
    for (const p of [path.join(dir, 'VERSION'), path.join(dir, 'lib/data.txt'), path.join(dir, 'lib'), dir]) {
      expect((await stat(p)).mode & 0o222).toBe(0);
    }
    expect(await readdir(tmpDir(root))).toEqual([]);
  });

  it('downloads over http', async () => {
    const root = await freshRoot();
    const pkg = await buildPackage(work, 'served', '2.0.0');
    const body = await readFile(pkg.file);
    const server: Server = createServer((req, res) => (req.url === '/pkg.tar.gz' ? res.end(body) : (res.statusCode = 404, res.end())));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const ok = await installRelease(root, 'hello', '2.0.0', { package_url: `http://127.0.0.1:${port}/pkg.tar.gz`, sha256: pkg.sha256 });
      expect(ok.ok).toBe(true);
      const missing = await installRelease(root, 'hello', '2.0.1', { package_url: `http://127.0.0.1:${port}/nope.tar.gz`, sha256: pkg.sha256 });
      expect(missing).toMatchObject({ ok: false, code: 'download_failed' });
      expect(!missing.ok && missing.message).toContain('HTTP 404');
    } finally {
      server.close();
    }
  });

  it('refuses a package whose sha256 differs, leaving no release and an empty .tmp', async () => {
    const root = await freshRoot();
    const pkg = await buildPackage(work, 'tampered', '1.0.0');
    const declared = 'a'.repeat(64);
    const result = await installRelease(root, 'hello', '1.0.0', { package_url: pkg.url, sha256: declared });
    expect(result).toMatchObject({ ok: false, code: 'sha256_mismatch' });
    expect(!result.ok && result.message).toContain(declared);
    expect(!result.ok && result.message).toContain(pkg.sha256);
    await expect(stat(releaseDir(root, 'hello', '1.0.0'))).rejects.toThrow();
    expect(await readdir(tmpDir(root))).toEqual([]);
  });

  it.each([
    ['a ../ entry', ['ok.txt', '../evil.txt']],
    ['an absolute path', ['ok.txt', 'ABSOLUTE']],
  ])('refuses an archive with %s as a whole', async (_label, entries) => {
    const root = await freshRoot();
    const base = await mkdtemp(path.join(work, 'raw-'));
    await mkdir(path.join(base, 'pkg'));
    await writeFile(path.join(base, 'pkg/ok.txt'), 'fine');
    await writeFile(path.join(base, 'evil.txt'), 'evil');
    const names = entries.map((e) => (e === 'ABSOLUTE' ? path.join(base, 'evil.txt') : e));
    const pkg = await buildRawArchive(path.join(base, 'bad.tar.gz'), path.join(base, 'pkg'), names);
    const result = await installRelease(root, 'hello', '6.6.6', { package_url: pkg.url, sha256: pkg.sha256 });
    expect(result).toMatchObject({ ok: false, code: 'unsafe_archive' });
    await expect(stat(releaseDir(root, 'hello', '6.6.6'))).rejects.toThrow();
    expect(await readdir(tmpDir(root))).toEqual([]);
    expect(await readdir(root)).toEqual(['.tmp']);
  });

  it('refuses an archive with a symbolic link pointing outside', async () => {
    const root = await freshRoot();
    const base = await mkdtemp(path.join(work, 'link-'));
    await mkdir(path.join(base, 'pkg'));
    await symlink('../../../etc', path.join(base, 'pkg/escape'));
    const pkg = await buildRawArchive(path.join(base, 'link.tar.gz'), path.join(base, 'pkg'), ['escape']);
    const result = await installRelease(root, 'hello', '6.6.7', { package_url: pkg.url, sha256: pkg.sha256 });
    expect(result).toMatchObject({ ok: false, code: 'unsafe_archive' });
    await expect(stat(releaseDir(root, 'hello', '6.6.7'))).rejects.toThrow();
  });

  it('reuses a kept copy without downloading', async () => {
    const root = await freshRoot();
    const pkg = await buildPackage(work, 'kept', '3.0.0');
    expect((await installRelease(root, 'hello', '3.0.0', { package_url: pkg.url, sha256: pkg.sha256 })).ok).toBe(true);
    await rm(pkg.file);
    const again = await installRelease(root, 'hello', '3.0.0', { package_url: pkg.url, sha256: pkg.sha256 });
    expect(again).toEqual({ ok: true, dir: releaseDir(root, 'hello', '3.0.0'), downloaded: false });
    const gone = await installRelease(root, 'hello', '3.0.1', { package_url: pkg.url, sha256: pkg.sha256 });
    expect(gone).toMatchObject({ ok: false, code: 'download_failed' });
    expect(!gone.ok && gone.message).toContain('ENOENT');
  });

  it('refuses a version that is not a safe directory name', async () => {
    const root = await freshRoot();
    expect(await installRelease(root, 'hello', '../x', null)).toMatchObject({ ok: false, code: 'invalid_release' });
  });
});
