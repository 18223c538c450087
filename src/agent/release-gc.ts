/**
 * Release garbage collection: a host keeps the last few releases of each service so a
 * rollback needs no download, and deletes older ones so disks do not fill up. A release
 * any local instance runs, or one the server marked protected (the desired and previous
 * desired versions), is never deleted.
 */
import { readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { currentLink, instancesDir, releaseDir, releasesDir } from './host-layout.js';
import { removeTree } from './read-only-tree.js';

export interface InstalledRelease {
  version: string;
  /** Install time: the release directory's mtime, set when it was renamed into place. */
  mtimeMs: number;
}

/**
 * The versions to delete: everything but the `keep` newest, minus those kept for a reason.
 *
 *   v1..v4 installed at t1..t4, keep 2                  -> delete v1, v2
 *   same, v1 is some instance's `current`              -> delete v2
 *   same, v2 protected (previous desired version)      -> delete v1
 *   keep 5 with 3 installed                            -> delete nothing
 */
export function releasesToDelete(installed: readonly InstalledRelease[], keep: number, retained: ReadonlySet<string>): string[] {
  const newestFirst = [...installed].sort((a, b) => b.mtimeMs - a.mtimeMs || b.version.localeCompare(a.version));
  return newestFirst
    .slice(Math.max(0, keep))
    .map((r) => r.version)
    .filter((version) => !retained.has(version));
}

/**
 * Applies `releasesToDelete` to one service on disk and returns the versions removed.
 * `extraRetained` holds protected versions and any version a goal is about to use.
 */
export async function collectReleases(root: string, service: string, keep: number, extraRetained: Iterable<string>): Promise<string[]> {
  const retained = new Set([...extraRetained, ...(await versionsInUse(root, service))]);
  const doomed = releasesToDelete(await installedReleases(root, service), keep, retained);
  for (const version of doomed) await removeTree(releaseDir(root, service, version));
  return doomed;
}

/** Versions that some instance's `current` link of this service points at. */
export async function versionsInUse(root: string, service: string): Promise<Set<string>> {
  const inUse = new Set<string>();
  const ids = await readdir(instancesDir(root, service)).catch(() => [] as string[]);
  for (const id of ids) {
    const target = await readlink(currentLink(path.join(instancesDir(root, service), id))).catch(() => null);
    if (target !== null) inUse.add(path.basename(target));
  }
  return inUse;
}

/**
 * Every release kept on this host, by service, for the heartbeat: the server checks
 * before a rollback whether each host has its target or must download it.
 */
export async function keptReleases(root: string): Promise<Record<string, string[]>> {
  const kept: Record<string, string[]> = {};
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const versions = (await installedReleases(root, entry.name)).map((r) => r.version);
    if (versions.length > 0) kept[entry.name] = versions.sort();
  }
  return kept;
}

async function installedReleases(root: string, service: string): Promise<InstalledRelease[]> {
  const dir = releasesDir(root, service);
  const found: InstalledRelease[] = [];
  for (const version of await readdir(dir).catch(() => [] as string[])) {
    const stats = await stat(path.join(dir, version)).catch(() => null);
    if (stats?.isDirectory()) found.push({ version, mtimeMs: stats.mtimeMs });
  }
  return found;
}
