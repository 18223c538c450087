/**
 * Release directories are read-only once installed, so an instance cannot change the
 * code it was verified with. Write bits come off every file and directory; removal
 * first puts the owner's write bit back on directories, without which nothing inside
 * could be unlinked by a non-root agent.
 */
import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const WRITE_BITS = 0o222;

/** Clears write bits below `dir` (children first); `dir` itself too when `includeSelf`. */
export async function makeTreeReadOnly(dir: string, includeSelf: boolean): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeTreeReadOnly(child, true);
    else if (entry.isFile()) await clearWriteBits(child);
  }
  if (includeSelf) await clearWriteBits(dir);
}

/** Clears the write bits of one file or directory. */
export async function clearWriteBits(p: string): Promise<void> {
  const { mode } = await lstat(p);
  await chmod(p, mode & 0o7777 & ~WRITE_BITS);
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
