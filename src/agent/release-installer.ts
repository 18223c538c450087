/**
 * Makes `<root>/<service>/releases/<version>/` exist with exactly the verified package
 * contents (DESIGN invariants 4 and 5), within the install limits (`install-limits.ts`):
 *
 *   1. a kept copy is used as is, with no download;
 *   2. else the package is downloaded into `.tmp/` and hashed while streaming, cut off at
 *      `maxPackageBytes`, on its timeouts, or when `signal` aborts; a digest that differs
 *      from the release's is refused before anything is unpacked;
 *   3. it is unpacked in one streaming pass into `.tmp/<random>/`, each entry judged
 *      (`ArchiveJudge`) and counted before it is written, so an archive with any entry
 *      escaping its directory, or past a limit, is refused whole (`package-unpack.ts`);
 *   4. it is made read-only there and renamed into place in one step, so
 *      `releases/<version>` is either absent or complete, never half there.
 *
 * Whatever fails, the downloaded file and the unpack directory are deleted. Expected
 * failures are returned as `{ ok: false, code, message }`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { checkServiceName, checkVersion } from '../core/names.js';
import { firstFailure } from '../core/result.js';
import { releaseDir, tmpDir } from './host-layout.js';
import { DEFAULT_INSTALL_LIMITS, type InstallLimits } from './install-limits.js';
import { downloadPackage, type DownloadFailureCode } from './package-download.js';
import { unpackPackage, type UnpackFailureCode } from './package-unpack.js';
import { makeReadOnly, makeTreeReadOnly, removeTree } from './read-only-tree.js';

/** Where to fetch a release that is not kept on disk, and the digest it must have. */
export interface ReleaseSource {
  package_url: string;
  sha256: string;
}

export interface InstallOptions {
  limits?: InstallLimits;
  /** Aborts a download in progress: the goal it serves was withdrawn or the agent stops. */
  signal?: AbortSignal;
  /** PEM CA certificates for https package servers (`--ca-file`); else the system roots. */
  ca?: string;
}

/** `cancelled` means `signal` aborted the download; the caller decides what that reports. */
export type InstallFailureCode = 'invalid_release' | 'release_unavailable' | 'sha256_mismatch' | DownloadFailureCode | UnpackFailureCode;

export type InstallResult = { ok: true; dir: string; downloaded: boolean } | { ok: false; code: InstallFailureCode; message: string };

/** Ensures the release is installed; see the module comment for the steps and guarantees. */
export async function installRelease(root: string, service: string, version: string, source: ReleaseSource | null, opts: InstallOptions = {}): Promise<InstallResult> {
  const names = firstFailure(checkServiceName(service), checkVersion(version));
  if (!names.ok) return { ok: false, code: 'invalid_release', message: names.message };
  const target = releaseDir(root, service, version);
  if (await isDirectory(target)) return { ok: true, dir: target, downloaded: false };
  if (source === null) {
    return { ok: false, code: 'release_unavailable', message: `${service} ${version} is not kept on this host and no package_url was given` };
  }
  const limits = opts.limits ?? DEFAULT_INSTALL_LIMITS;
  await mkdir(tmpDir(root), { recursive: true });
  const archive = path.join(tmpDir(root), `${randomName()}.tar.gz`);
  try {
    const fetched = await fetchVerified(archive, source, `${service} ${version}`, { ...limits, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.ca !== undefined ? { ca: opts.ca } : {}) });
    if (!fetched.ok) return fetched;
    return await unpackInto(root, archive, target, `${service} ${version}`, limits);
  } finally {
    await rm(archive, { force: true });
  }
}

type Failure = Extract<InstallResult, { ok: false }>;

async function fetchVerified(archive: string, source: ReleaseSource, what: string, opts: Parameters<typeof downloadPackage>[2]): Promise<{ ok: true } | Failure> {
  const downloaded = await downloadPackage(source.package_url, archive, opts);
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

async function unpackInto(root: string, archive: string, target: string, what: string, limits: InstallLimits): Promise<InstallResult> {
  const staging = path.join(tmpDir(root), randomName());
  try {
    await mkdir(staging);
    const unpacked = await unpackPackage(archive, staging, limits);
    if (!unpacked.ok) return { ok: false, code: unpacked.code, message: `package for ${what} was refused: ${unpacked.message}` };
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
  await makeReadOnly(target).catch(() => undefined);
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
