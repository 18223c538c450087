/**
 * `ferry package`: turn a service directory into an immutable, verifiable release
 * package (DESIGN, Release; seed 003). The archive carries a generated
 * `ferry-release.json` at its root, so the service answers its version probe from its
 * own package and a deployed instance proves which build it runs. Same tree, same
 * identity and same build time give byte-identical archives (sorted entries, fixed
 * mtimes, no owner data), so a rebuild can be checked against a published sha256.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { create as createTar } from 'tar';
import { checkServiceName, checkVersion } from '../core/names.js';
import { firstFailure } from '../core/result.js';
import { byPath, listPackageEntries, unpackableProblem, type PackageEntry } from './package-files.js';

/** The identity file every package carries at its root. */
export const RELEASE_STAMP_FILE = 'ferry-release.json';

export interface BuildPackageInput {
  dir: string;
  service: string;
  version: string;
  /** undefined: ask git in `dir`; null: the build has no git sha. */
  gitSha?: string | null;
  outDir: string;
  /** The build time written into the package; fixing it makes the build reproducible. */
  now: Date;
}

/** `S-V.manifest.json`: what the package is and what it holds. */
export interface PackageManifest {
  service: string;
  version: string;
  sha256: string;
  git_sha: string | null;
  build_time: string;
  files: string[];
}

export interface BuiltPackage {
  tarball: string;
  sha256File: string;
  manifestFile: string;
  sha256: string;
  manifest: PackageManifest;
}

export type BuildPackageResult = ({ ok: true } & BuiltPackage) | { ok: false; reason: string; message: string };

export async function buildPackage(input: BuildPackageInput): Promise<BuildPackageResult> {
  const names = firstFailure(checkServiceName(input.service), checkVersion(input.version));
  if (!names.ok) return names;
  const dir = resolve(input.dir);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) return { ok: false, reason: 'package_dir_not_found', message: `${input.dir} is not a directory` };

  const outDir = resolve(input.outDir);
  const base = `${input.service}-${input.version}`;
  const tarball = join(outDir, `${base}.tar.gz`);
  const sha256File = `${tarball}.sha256`;
  const manifestFile = join(outDir, `${base}.manifest.json`);
  const entries = (await listPackageEntries(dir, [outDir])).filter((e) => ![tarball, sha256File, manifestFile].includes(join(dir, e.path)));

  const gitSha = input.gitSha === undefined ? await detectGitSha(dir) : input.gitSha;
  const buildTime = input.now.toISOString();
  const stamp = { service: input.service, version: input.version, git_sha: gitSha, build_time: buildTime };
  // The generated stamp replaces any stale one in the directory: the package names itself.
  const packed: PackageEntry[] = [...entries.filter((e) => e.path !== RELEASE_STAMP_FILE), { path: RELEASE_STAMP_FILE, kind: 'file' as const }].sort(byPath);
  const unpackable = unpackableProblem(packed);
  if (unpackable !== null) {
    return {
      ok: false,
      reason: 'package_link_outside',
      message: `cannot package ${input.dir}: ${unpackable}; an agent refuses a package with a link out of it (copy the target in, e.g. cp -rL, or make the link relative and inside)`,
    };
  }

  await mkdir(outDir, { recursive: true });
  const staging = await mkdtemp(join(outDir, '.ferry-package-'));
  try {
    const tree = join(staging, 'tree');
    await copyEntries(dir, tree, entries);
    await rm(join(tree, RELEASE_STAMP_FILE), { force: true });
    await writeFile(join(tree, RELEASE_STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`, { mode: 0o644 });
    const partial = join(staging, 'package.tar.gz');
    await createTar(
      { file: partial, cwd: tree, gzip: true, portable: true, mtime: input.now, noDirRecurse: true },
      packed.map((e) => e.path),
    );
    await rename(partial, tarball);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }

  const sha256 = await sha256Of(tarball);
  const manifest: PackageManifest = {
    service: input.service,
    version: input.version,
    sha256,
    git_sha: gitSha,
    build_time: buildTime,
    files: packed.filter((e) => e.kind !== 'directory').map((e) => e.path),
  };
  // The format sha256sum writes and `sha256sum -c` reads: digest, two spaces, file name.
  await writeFile(sha256File, `${sha256}  ${base}.tar.gz\n`);
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { ok: true, tarball, sha256File, manifestFile, sha256, manifest };
}

/** Copies the listed entries of `dir` into a new directory `tree`, keeping file and directory modes. */
async function copyEntries(dir: string, tree: string, entries: PackageEntry[]): Promise<void> {
  await mkdir(tree);
  for (const entry of entries) {
    const from = join(dir, entry.path);
    const to = join(tree, entry.path);
    if (entry.kind === 'directory') {
      await mkdir(to);
      // Mode from the source, not from this process's umask, so builds agree across machines.
      await chmod(to, (await stat(from)).mode & 0o7777);
    } else if (entry.kind === 'symlink') {
      await symlink(entry.target, to);
    } else {
      await copyFile(from, to);
    }
  }
}

/** `git rev-parse HEAD` in `dir`, or null outside a repository or without git. */
export async function detectGitSha(dir: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 10_000 });
    const sha = stdout.trim();
    return /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
