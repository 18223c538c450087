import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { list as listTar, extract as extractTar } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPackage, type BuildPackageInput } from './build-package.js';

let work: string;
let dir: string;
const now = new Date('2025-03-01T12:00:00.000Z');

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ferry-package-'));
  dir = join(work, 'svc');
  await mkdir(join(dir, 'lib'), { recursive: true });
  await mkdir(join(dir, '.git'));
  await writeFile(join(dir, 'server.js'), 'console.log("hi")\n');
  await writeFile(join(dir, 'lib', 'util.js'), 'export const x = 1;\n');
  await writeFile(join(dir, 'run.sh'), '#!/bin/sh\nexec node server.js\n');
  await chmod(join(dir, 'run.sh'), 0o755);
  await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  // A stale stamp from an earlier build must be replaced, never shipped.
  await writeFile(join(dir, 'ferry-release.json'), '{"version":"0.0.1"}\n');
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

function input(overrides: Partial<BuildPackageInput> = {}): BuildPackageInput {
  return { dir, service: 'hello', version: '1.2.0', gitSha: 'abc1234', outDir: join(work, 'out'), now, ...overrides };
}

async function entriesOf(tarball: string): Promise<string[]> {
  const paths: string[] = [];
  await listTar({ file: tarball, onReadEntry: (entry) => void paths.push(entry.path) });
  return paths;
}

describe('buildPackage', () => {
  it('writes a tarball with sorted entries and its own ferry-release.json, a sha256sum file and a manifest', async () => {
    const built = await buildPackage(input());
    if (!built.ok) throw new Error(built.message);
    const out = join(work, 'out');
    expect(built.tarball).toBe(join(out, 'hello-1.2.0.tar.gz'));
    expect(built.sha256File).toBe(join(out, 'hello-1.2.0.tar.gz.sha256'));
    expect(built.manifestFile).toBe(join(out, 'hello-1.2.0.manifest.json'));

    expect(await entriesOf(built.tarball)).toEqual(['ferry-release.json', 'lib/', 'lib/util.js', 'run.sh', 'server.js']);

    const digest = createHash('sha256').update(await readFile(built.tarball)).digest('hex');
    expect(built.sha256).toBe(digest);
    expect(await readFile(built.sha256File, 'utf8')).toBe(`${digest}  hello-1.2.0.tar.gz\n`);
    // sha256sum itself accepts the file, when the machine has it.
    const hasSha256sum = (() => {
      try {
        execFileSync('sha256sum', ['--version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    if (hasSha256sum) execFileSync('sha256sum', ['-c', 'hello-1.2.0.tar.gz.sha256'], { cwd: out, stdio: 'ignore' });

    const manifest = JSON.parse(await readFile(built.manifestFile, 'utf8'));
    expect(manifest).toEqual({
      service: 'hello',
      version: '1.2.0',
      sha256: digest,
      git_sha: 'abc1234',
      build_time: '2025-03-01T12:00:00.000Z',
      files: ['ferry-release.json', 'lib/util.js', 'run.sh', 'server.js'],
    });
    expect(built.manifest).toEqual(manifest);

    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    await extractTar({ file: built.tarball, cwd: unpacked });
    expect(JSON.parse(await readFile(join(unpacked, 'ferry-release.json'), 'utf8'))).toEqual({
      service: 'hello',
      version: '1.2.0',
      git_sha: 'abc1234',
      build_time: '2025-03-01T12:00:00.000Z',
    });
    expect((await stat(join(unpacked, 'run.sh'))).mode & 0o111).not.toBe(0);
  });

  it('gives the same sha256 for the same input and build time, another for another build time', async () => {
    const first = await buildPackage(input({ outDir: join(work, 'a') }));
    const second = await buildPackage(input({ outDir: join(work, 'b') }));
    const later = await buildPackage(input({ outDir: join(work, 'c'), now: new Date('2025-03-01T12:00:01.000Z') }));
    if (!first.ok || !second.ok || !later.ok) throw new Error('build failed');
    expect(second.sha256).toBe(first.sha256);
    expect(later.sha256).not.toBe(first.sha256);
  });

  it('leaves its own output out when the output directory is inside the packaged one', async () => {
    const outDir = join(dir, 'dist');
    const first = await buildPackage(input({ outDir }));
    const again = await buildPackage(input({ outDir }));
    if (!first.ok || !again.ok) throw new Error('build failed');
    expect(await entriesOf(again.tarball)).toEqual(['ferry-release.json', 'lib/', 'lib/util.js', 'run.sh', 'server.js']);
    expect(again.sha256).toBe(first.sha256);
  });

  it('records a null git sha when told there is none', async () => {
    const built = await buildPackage(input({ gitSha: null }));
    if (!built.ok) throw new Error(built.message);
    expect(built.manifest.git_sha).toBeNull();
  });

  it.each([
    ['a floating version', { version: 'latest' }, 'invalid_version'],
    ['a version with a slash', { version: '1.0/../x' }, 'invalid_version'],
    ['a bad service name', { service: 'Hello_World' }, 'invalid_service_name'],
    ['a missing directory', { dir: '/nonexistent/ferry/dir' }, 'package_dir_not_found'],
  ])('refuses %s and writes nothing', async (_name, overrides, reason) => {
    const built = await buildPackage(input(overrides));
    expect(built).toMatchObject({ ok: false, reason });
    await expect(stat(join(work, 'out'))).rejects.toThrow();
  });
});
