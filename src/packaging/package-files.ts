/**
 * Which entries of a service directory go into its package, in a fixed order so the
 * same tree always yields the same archive. `.git` is history, not the service, and the
 * output directory is skipped so packaging `.` into `./out` never packs old packages.
 *
 * Symbolic links are kept as links (a Node app's `node_modules/.bin/x -> ../x/bin/x`),
 * and judged here by the agent's own `ArchiveJudge`, in archive order: a link that points
 * outside the directory is refused when the package is built, with its name, instead of
 * producing a package every agent refuses at install time.
 */
import { readdir, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ArchiveJudge } from '../agent/archive-safety.js';

export type PackageEntry =
  | {
      /** Relative POSIX path inside the package. */
      path: string;
      kind: 'directory' | 'file';
    }
  | { path: string; kind: 'symlink'; target: string };

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
        entries.push({ path, kind: 'symlink', target: await readlink(absolute) });
      } else if (dirent.isFile()) {
        entries.push({ path, kind: 'file' });
      }
      // Sockets, FIFOs and devices are not part of a release.
    }
  };
  await walk(root);
  return entries.sort(byPath);
}

/** Code-unit order of paths: the order the archive holds its entries in. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The file every Python virtualenv has at its root. */
const VENV_MARKER = 'pyvenv.cfg';

/**
 * Why an agent would refuse these entries (in archive order), or null when it would
 * unpack them. The same judge the agent runs, so the two never disagree. A link out of a
 * Python virtualenv (its `bin/python3` names the interpreter it was made with) gets a
 * hint: a venv is not relocatable, whatever its links.
 *
 *   node_modules/.bin/http-server -> ../http-server/bin/http-server   -> null
 *   lib/config -> /etc/app.conf                                        -> '"lib/config": symbolic link to absolute …'
 *   shared -> ../../common                                             -> '"shared": symbolic link target … leaves …'
 */
export function unpackableProblem(entries: readonly PackageEntry[]): string | null {
  const judge = new ArchiveJudge();
  for (const entry of entries) {
    const problem = judge.judge({
      path: entry.kind === 'directory' ? `${entry.path}/` : entry.path,
      type: entry.kind === 'directory' ? 'Directory' : entry.kind === 'symlink' ? 'SymbolicLink' : 'File',
      linkpath: entry.kind === 'symlink' ? entry.target : null,
    });
    if (problem === null) continue;
    const venv = entries.find((e) => (e.path === VENV_MARKER || e.path.endsWith(`/${VENV_MARKER}`)) && entry.path.startsWith(e.path.slice(0, -VENV_MARKER.length)));
    if (venv === undefined) return problem;
    const where = venv.path.slice(0, -VENV_MARKER.length - 1) || '.';
    return `${problem} (${where} is a Python virtualenv, which does not work once moved: vendor its packages with pip install --target instead)`;
  }
  return null;
}
