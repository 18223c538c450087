/**
 * Decides whether a package archive may be unpacked at all. An archive with even one
 * entry that would land outside its directory is refused whole: skipping the bad entry
 * would install a release that differs from what was built, silently.
 *
 * The decision is pure (`findUnsafeEntries`) and runs on the entry list read by
 * `listArchiveEntries` before anything is written to disk.
 */
import path from 'node:path';
import * as tar from 'tar';

/** The parts of a tar entry header that decide where it lands. */
export interface ArchiveEntry {
  path: string;
  /** tar's entry type name: `File`, `Directory`, `SymbolicLink`, `Link`, ... */
  type: string;
  linkpath: string | null;
}

/** Entry types that create regular content; anything else besides links is refused. */
const CONTENT_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * Why each unsafe entry is unsafe, in archive order; empty when the archive is safe.
 *
 *   "../evil"                       -> leaves the directory
 *   "/etc/passwd"                   -> absolute path
 *   "bin/sh -> /bin/sh" (symlink)   -> link target is absolute
 *   "a/b -> ../../x" (symlink)      -> link target "x" is outside
 *   "l -> sub" then "l/f"           -> writes through a link
 */
export function findUnsafeEntries(entries: readonly ArchiveEntry[]): string[] {
  const links = new Set<string>();
  const problems: string[] = [];
  for (const entry of entries) {
    const problem = entryProblem(entry, links);
    if (problem !== null) problems.push(`${JSON.stringify(entry.path)}: ${problem}`);
    if (entry.type === 'SymbolicLink' || entry.type === 'Link') links.add(normalizedInside(entry.path) ?? entry.path);
  }
  return problems;
}

function entryProblem(entry: ArchiveEntry, links: ReadonlySet<string>): string | null {
  if (isAbsolute(entry.path)) return 'absolute path';
  const inside = normalizedInside(entry.path);
  if (inside === null || hasDotDot(entry.path)) return 'path leaves the package directory';
  const throughLink = ancestors(inside).find((dir) => links.has(dir));
  if (throughLink !== undefined) return `path goes through the link ${JSON.stringify(throughLink)}`;
  if (entry.type === 'SymbolicLink') return symlinkProblem(inside, entry.linkpath ?? '');
  if (entry.type === 'Link') return hardlinkProblem(entry.linkpath ?? '');
  if (!CONTENT_TYPES.has(entry.type)) return `entry type ${entry.type} is not allowed`;
  return null;
}

function symlinkProblem(entryPath: string, target: string): string | null {
  if (target === '' || isAbsolute(target)) return `symbolic link to absolute or empty target ${JSON.stringify(target)}`;
  const resolved = normalizedInside(path.posix.join(path.posix.dirname(entryPath), target));
  return resolved === null ? `symbolic link target ${JSON.stringify(target)} leaves the package directory` : null;
}

/** Hard link targets name another archive member, relative to the archive root. */
function hardlinkProblem(target: string): string | null {
  if (target === '' || isAbsolute(target)) return `hard link to absolute or empty target ${JSON.stringify(target)}`;
  if (normalizedInside(target) === null || hasDotDot(target)) return `hard link target ${JSON.stringify(target)} leaves the package directory`;
  return null;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p);
}

function hasDotDot(p: string): boolean {
  return p.split(/[\\/]/).includes('..');
}

/** The normalized relative path, or null when it resolves outside the root. */
function normalizedInside(p: string): string | null {
  const normalized = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return null;
  return normalized;
}

function ancestors(p: string): string[] {
  const parts = p.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Reads every entry header of a gzip'd tar without writing anything; throws on a corrupt archive. */
export async function listArchiveEntries(file: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  await tar.t({
    file,
    strict: true,
    onReadEntry: (entry) => {
      entries.push({ path: entry.path, type: entry.type, linkpath: entry.linkpath ?? null });
    },
  });
  return entries;
}
