/**
 * Release directories are read-only once installed, so an instance cannot change the
 * code it was verified with. Write bits come off every file and directory, and so do
 * setuid, setgid and sticky bits: a package must not be able to install a program that
 * runs as the agent's user (or root) for whoever starts it. Removal first puts the
 * owner's write bit back on directories, without which nothing inside could be unlinked
 * by a non-root agent.
 */
import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** What an installed file or directory keeps: read and execute bits only (6777 -> 0555, 1777 -> 0555). */
const READ_ONLY_MASK = 0o555;

/** Makes everything below `dir` read-only (children first); `dir` itself too when `includeSelf`. */
export async function makeTreeReadOnly(dir: string, includeSelf: boolean): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeTreeReadOnly(child, true);
    else if (entry.isFile()) await makeReadOnly(child);
  }
  if (includeSelf) await makeReadOnly(dir);
}

/** Clears the write, setuid, setgid and sticky bits of one file or directory. */
export async function makeReadOnly(p: string): Promise<void> {
  const { mode } = await lstat(p);
  await chmod(p, mode & READ_ONLY_MASK);
}

/** Deletes a tree that may be read-only; a missing tree is already removed. */
export async function removeTree(dir: string): Promise<void> {
  await restoreDirWriteBits(dir);
  await rm(dir, { recursive: true, force: true });
}

async function restoreDirWriteBits(dir: string): Promise<void> {
  let mode: number;
  try {
    const stats = await lstat(dir);
    if (!stats.isDirectory()) return;
    mode = stats.mode;
  } catch {
    return;
  }
  await chmod(dir, (mode & 0o7777) | 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await restoreDirWriteBits(path.join(dir, entry.name));
  }
}
