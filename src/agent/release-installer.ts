/**
 * Makes `<root>/<service>/releases/<version>/` exist with exactly the verified package
 * contents (invariants 4 and 5):
 *
 *   1. a kept copy is used as is, with no download;
 *   2. else the package is downloaded into `.tmp/` and hashed while streaming; a digest
 *      that differs from the release's is refused before anything is unpacked;
 *   3. every entry is checked (`findUnsafeEntries`) before extraction, and an archive
 *      with any entry escaping its directory is refused whole;
 *   4. it is unpacked into `.tmp/<random>/`, made read-only and renamed into place in one
 *      step, so `releases/<version>` is either absent or complete, never half there.
 *
 * Expected failures are returned as `{ ok: false, code, message }`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { checkServiceName, checkVersion } from '../core/names.js';
import { firstFailure } from '../core/result.js';
import { findUnsafeEntries, listArchiveEntries } from './archive-safety.js';
import { releaseDir, tmpDir } from './host-layout.js';
import { downloadPackage } from './package-download.js';
import { clearWriteBits, makeTreeReadOnly, removeTree } from './read-only-tree.js';

/** Where to fetch a release that is not kept on disk, and the digest it must have. */
export interface ReleaseSource {
  package_url: string;
  sha256: string;
}

export type InstallFailureCode =
  | 'invalid_release'
  | 'release_unavailable'
  | 'download_failed'
  | 'sha256_mismatch'
  | 'unsafe_archive'
  | 'unpack_failed';

export type InstallResult =
  | { ok: true; dir: string; downloaded: boolean }
  | { ok: false; code: InstallFailureCode; message: string };

/** Ensures the release is installed; see the module comment for the steps and guarantees. */
export async function installRelease(root: string, service: string, version: string, source: ReleaseSource | null): Promise<InstallResult> {
  const names = firstFailure(checkServiceName(service), checkVersion(version));
  if (!names.ok) return { ok: false, code: 'invalid_release', message: names.message };
  const target = releaseDir(root, service, version);
  if (await isDirectory(target)) return { ok: true, dir: target, downloaded: false };
  if (source === null) {
    return { ok: false, code: 'release_unavailable', message: `${service} ${version} is not kept on this host and no package_url was given` };
  }
  await mkdir(tmpDir(root), { recursive: true });
  const archive = path.join(tmpDir(root), `${randomName()}.tar.gz`);
  try {
    const fetched = await fetchVerified(archive, source, `${service} ${version}`);
    if (!fetched.ok) return fetched;
    return await unpackInto(root, archive, target, `${service} ${version}`);
  } finally {
    await rm(archive, { force: true });
  }
}

type Failure = Extract<InstallResult, { ok: false }>;

async function fetchVerified(archive: string, source: ReleaseSource, what: string): Promise<{ ok: true } | Failure> {
  const downloaded = await downloadPackage(source.package_url, archive);
  if (!downloaded.ok) return downloaded;
  const expected = source.sha256.toLowerCase();
  if (downloaded.sha256 !== expected) {
    return {
      ok: false,
      code: 'sha256_mismatch',
      message: `package for ${what} from ${source.package_url} has sha256 ${downloaded.sha256}, expected ${expected}; it was not unpacked`,
    };
  }
  return { ok: true };
}

async function unpackInto(root: string, archive: string, target: string, what: string): Promise<InstallResult> {
  let unsafe: string[];
  try {
    unsafe = findUnsafeEntries(await listArchiveEntries(archive));
  } catch (err) {
    return { ok: false, code: 'unpack_failed', message: `package for ${what} is not a readable tar.gz: ${(err as Error).message}` };
  }
  if (unsafe.length > 0) {
    const shown = unsafe.slice(0, 5).join('; ');
    return { ok: false, code: 'unsafe_archive', message: `package for ${what} was refused: ${shown}${unsafe.length > 5 ? ` (and ${unsafe.length - 5} more)` : ''}` };
  }
  const staging = path.join(tmpDir(root), randomName());
  try {
    await mkdir(staging);
    // preserveOwner is on by default for root; release files belong to the agent's user.
    await tar.x({ file: archive, cwd: staging, strict: true, preserveOwner: false });
    await makeTreeReadOnly(staging, false);
    return await publish(staging, target, what);
  } catch (err) {
    return { ok: false, code: 'unpack_failed', message: `cannot unpack package for ${what}: ${(err as Error).message}` };
  } finally {
    await removeTree(staging);
  }
}

/** The rename is the moment the release appears; if another install won, its copy stands. */
async function publish(staging: string, target: string, what: string): Promise<InstallResult> {
  await mkdir(path.dirname(target), { recursive: true });
  const now = new Date();
  // mtime orders releases for garbage collection; tar may have set it from the archive.
  await utimes(staging, now, now);
  try {
    await rename(staging, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isDirectory(target))) return { ok: true, dir: target, downloaded: true };
    return { ok: false, code: 'unpack_failed', message: `cannot move ${what} into ${target}: ${(err as Error).message}` };
  }
  await clearWriteBits(target).catch(() => undefined);
  return { ok: true, dir: target, downloaded: true };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function randomName(): string {
  return randomBytes(8).toString('hex');
}

