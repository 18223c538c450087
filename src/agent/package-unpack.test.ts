import { chmod, mkdir, mkdtemp, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import * as tar from 'tar';
import { buildRawArchive, sha256Of } from '../testing/fake-release-package.js';
import { releaseDir, tmpDir } from './host-layout.js';
import { DEFAULT_INSTALL_LIMITS, type InstallLimits } from './install-limits.js';
import { installRelease } from './release-installer.js';
import { removeTree } from './read-only-tree.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ferry-unpack-'));
});
afterAll(() => removeTree(work));

/** A package of the files `make` writes under a fresh directory, every entry listed. */
async function packageOf(name: string, make: (src: string) => Promise<string[]>): Promise<{ url: string; sha256: string }> {
  const base = await mkdtemp(path.join(work, `${name}-`));
  const src = path.join(base, 'src');
  await mkdir(src);
  const entries = await make(src);
  return buildRawArchive(path.join(base, `${name}.tar.gz`), src, entries);
}

async function install(pkg: { url: string; sha256: string }, limits: Partial<InstallLimits> = {}) {
  const root = await mkdtemp(path.join(work, 'root-'));
  const result = await installRelease(root, 'hello', '1.0.0', { package_url: pkg.url, sha256: pkg.sha256 }, { limits: { ...DEFAULT_INSTALL_LIMITS, ...limits } });
  return { root, result, dir: releaseDir(root, 'hello', '1.0.0') };
}

async function expectNothingLeft(root: string, dir: string): Promise<void> {
  await expect(stat(dir)).rejects.toThrow();
  expect(await readdir(tmpDir(root))).toEqual([]);
}

describe('unpacking within limits', () => {
  it('refuses a package whose entries unpack past maxUnpackedBytes (a zip bomb of zeros)', async () => {
    const pkg = await packageOf('zeros', async (src) => {
      await writeFile(path.join(src, 'VERSION'), '1.0.0\n');
      await writeFile(path.join(src, 'zeros.bin'), Buffer.alloc(8 * 1024 * 1024));
      return ['VERSION', 'zeros.bin'];
    });
    const { root, result, dir } = await install(pkg, { maxUnpackedBytes: 1024 * 1024 });
    expect(result).toMatchObject({ ok: false, code: 'unpacked_too_large' });
    await expectNothingLeft(root, dir);
  });

  it('refuses a package with more than maxEntries entries', async () => {
    const pkg = await packageOf('many', async (src) => {
      const names = Array.from({ length: 12 }, (_, i) => `f${i}`);
      for (const n of names) await writeFile(path.join(src, n), n);
      return names;
    });
    const { root, result, dir } = await install(pkg, { maxEntries: 10 });
    expect(result).toMatchObject({ ok: false, code: 'too_many_entries' });
    await expectNothingLeft(root, dir);
    expect((await install(pkg, { maxEntries: 12 })).result.ok).toBe(true);
  });

  it('refuses a gzip inside the gzip, which tar would unpack again without bounds', async () => {
    const inner = await packageOf('inner', async (src) => {
      await writeFile(path.join(src, 'VERSION'), '1.0.0\n');
      return ['VERSION'];
    });
    const twice = path.join(work, 'twice.tar.gz.gz');
    await pipeline(createReadStream(fileURLToPath(inner.url)), createGzip(), createWriteStream(twice));
    const { root, result, dir } = await install({ url: pathToFileURL(twice).href, sha256: await sha256Of(twice) });
    expect(result).toMatchObject({ ok: false, code: 'unpack_failed' });
    await expectNothingLeft(root, dir);
  });
});

describe('installed modes', () => {
  it('strips setuid, setgid, sticky and group/other write bits from files and directories', async () => {
    const src = await mkdtemp(path.join(work, 'modes-'));
    await writeFile(path.join(src, 'suid'), '#!/bin/sh\n');
    await chmod(path.join(src, 'suid'), 0o6777);
    await mkdir(path.join(src, 'shared'));
    await writeFile(path.join(src, 'shared/f'), 'x');
    await chmod(path.join(src, 'shared/f'), 0o666);
    await chmod(path.join(src, 'shared'), 0o1777);
    // Not `portable`: that would mask group/other write off the modes in the archive itself.
    const file = path.join(work, 'modes.tar.gz');
    await tar.c({ file, gzip: true, cwd: src }, ['suid', 'shared']);
    const modes = new Map<string, number>();
    await tar.t({ file, onReadEntry: (e) => void modes.set(e.path, e.mode ?? 0) });
    expect(Object.fromEntries(modes)).toEqual({ suid: 0o6777, 'shared/': 0o1777, 'shared/f': 0o666 });
    const { result, dir } = await install({ url: pathToFileURL(file).href, sha256: await sha256Of(file) });
    expect(result.ok).toBe(true);
    expect((await stat(path.join(dir, 'suid'))).mode & 0o7777).toBe(0o555);
    expect((await stat(path.join(dir, 'shared'))).mode & 0o7777).toBe(0o555);
    expect((await stat(path.join(dir, 'shared/f'))).mode & 0o7777).toBe(0o444);
  });
});

describe('links that escape through other links', () => {
  it('refuses the reported chain: a deep link back to the root, and a link climbing on through it', async () => {
    const deep = 'a/b/c/d/e/f/g/h/i/j';
    const pkg = await packageOf('chain', async (src) => {
      await mkdir(path.join(src, path.dirname(deep)), { recursive: true });
      await symlink('../../../../../../../../..', path.join(src, deep));
      await symlink(`${deep}/../../../../../../../../../..`, path.join(src, 's'));
      return [deep, 's'];
    });
    const { root, result, dir } = await install(pkg);
    expect(result).toMatchObject({ ok: false, code: 'unsafe_archive' });
    expect(!result.ok && result.message).toContain('"s"');
    await expectNothingLeft(root, dir);
  });
});
