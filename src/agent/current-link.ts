/**
 * The `current` symlink names the release an instance runs. It only ever changes by
 * renaming a freshly made link over it, which is atomic: at every moment `current`
 * points at the old release or the new one (invariant 5).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { currentLink, currentLinkTarget } from './host-layout.js';

/** The version `current` points at, or null when the instance has no current release. */
export async function currentVersion(instanceDirPath: string): Promise<string | null> {
  try {
    return path.basename(await readlink(currentLink(instanceDirPath)));
  } catch {
    return null;
  }
}

/** Points `current` at `releases/<version>` in one atomic step. */
export async function switchCurrentLink(instanceDirPath: string, version: string): Promise<void> {
  await mkdir(instanceDirPath, { recursive: true });
  const link = currentLink(instanceDirPath);
  const tmp = `${link}.tmp-${randomBytes(4).toString('hex')}`;
  await symlink(currentLinkTarget(version), tmp);
  try {
    await rename(tmp, link);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
