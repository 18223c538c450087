/**
 * The `current` symlink names the release an instance runs. It only ever changes by
 * renaming a freshly made link over it, which is atomic: at every moment `current`
 * points at the old release or the new one (invariant 5).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { currentLink, currentLinkTarget } from './host-layout.js';

/** The version `current` points at, or null when the instance has no current release. Synchronous: see atomic-write.ts. */
export function currentVersion(instanceDirPath: string): string | null {
  try {
    return path.basename(readlinkSync(currentLink(instanceDirPath)));
  } catch {
    return null;
  }
}

/** Points `current` at `releases/<version>` in one atomic step. Synchronous: see atomic-write.ts. */
export function switchCurrentLink(instanceDirPath: string, version: string): void {
  mkdirSync(instanceDirPath, { recursive: true });
  const link = currentLink(instanceDirPath);
  const tmp = `${link}.tmp-${randomBytes(4).toString('hex')}`;
  symlinkSync(currentLinkTarget(version), tmp);
  try {
    renameSync(tmp, link);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
