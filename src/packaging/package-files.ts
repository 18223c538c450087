/**
 * Which entries of a service directory go into its package, in a fixed order so the
 * same tree always yields the same archive. `.git` is history, not the service, and the
 * output directory is skipped so packaging `.` into `./out` never packs old packages.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface PackageEntry {
  /** Relative POSIX path inside the package. */
  path: string;
  kind: 'directory' | 'file' | 'symlink';
}

/** Entries sorted by path (code-unit order, not locale order, so every machine agrees). */
export async function listPackageEntries(root: string, skipDirs: string[]): Promise<PackageEntry[]> {
  const entries: PackageEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const dirent of await readdir(dir, { withFileTypes: true })) {
      const absolute = join(dir, dirent.name);
      const path = relative(root, absolute).split(sep).join('/');
      if (dirent.isDirectory()) {
        if (dirent.name === '.git' || skipDirs.includes(absolute)) continue;
        entries.push({ path, kind: 'directory' });
        await walk(absolute);
      } else if (dirent.isSymbolicLink()) {
        entries.push({ path, kind: 'symlink' });
      } else if (dirent.isFile()) {
        entries.push({ path, kind: 'file' });
      }
      // Sockets, FIFOs and devices are not part of a release.
    }
  };
  await walk(root);
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
