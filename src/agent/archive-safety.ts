/**
 * Decides whether a package archive may be unpacked at all. An archive with even one
 * entry that would land outside its directory is refused whole: skipping the bad entry
 * would install a release that differs from what was built, silently.
 *
 * `ArchiveJudge` judges entries one at a time, in archive order, against a model of the
 * tree the entries before it built, so the unpacker can judge each entry as it is read
 * and before it is written (one streaming pass, memory bounded by the entry limit). A
 * symbolic link is judged by following it through the links already in the archive,
 * as the kernel will (at most MAX_LINK_HOPS of them): `a/.../j -> ../../..` is fine alone,
 * but `s -> a/.../j/../../..` then climbs from where `j` really points. A `..` after a
 * component the archive has not made yet is refused, because a later entry could make
 * that component a link and the `..` land anywhere. A path that appears twice is refused
 * (except a directory again), so a judged link can never be replaced by another one.
 * `findUnsafeEntries` is the same decision over a whole list.
 */
import path from 'node:path';

/** The parts of a tar entry header that decide where it lands. */
export interface ArchiveEntry {
  path: string;
  /** tar's entry type name: `File`, `Directory`, `SymbolicLink`, `Link`, ... */
  type: string;
  linkpath: string | null;
}

/** Entry types that create regular content; anything else besides links is refused. */
const CONTENT_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);
/** Linux gives up after 40 links in one lookup (MAXSYMLINKS); so does the judge. */
export const MAX_LINK_HOPS = 40;
/** Longest path or link target Linux accepts (PATH_MAX less the NUL). */
const MAX_PATH_LENGTH = 4095;

type Node = { kind: 'dir' } | { kind: 'file' } | { kind: 'symlink'; target: string };

/** Judges entries in archive order; see the module comment. */
export class ArchiveJudge {
  private readonly tree = new Map<string, Node>();

  /**
   * Why `entry` is unsafe given the entries judged before it, or null when it is safe (it
   * then joins the model). A refused entry does not join: the archive is refused anyway.
   */
  judge(entry: ArchiveEntry): string | null {
    const problem = this.problem(entry);
    return problem === null ? null : `${JSON.stringify(entry.path)}: ${problem}`;
  }

  private problem(entry: ArchiveEntry): string | null {
    if (entry.path.length > MAX_PATH_LENGTH || (entry.linkpath ?? '').length > MAX_PATH_LENGTH) return 'path or link target is too long';
    if (isAbsolute(entry.path)) return 'absolute path';
    // On Linux a backslash is part of a name, so "a\\b" is one entry at the root; refusing
    // it keeps the model's idea of where an entry lands the same as the kernel's.
    if (entry.path.includes('\\')) return 'path contains a backslash';
    const inside = normalizedInside(entry.path);
    if (inside === null || hasDotDot(entry.path)) return 'path leaves the package directory';
    if (inside === '.' || inside === '') return entry.type === 'Directory' ? null : 'entry replaces the package directory';
    const throughLink = ancestors(inside).find((dir) => this.tree.get(dir)?.kind === 'symlink');
    if (throughLink !== undefined) return `path goes through the link ${JSON.stringify(throughLink)}`;
    const existing = this.tree.get(inside);
    if (existing !== undefined && !(existing.kind === 'dir' && entry.type === 'Directory')) return 'path appears twice in the archive';
    const node = this.nodeFor(inside, entry);
    if (typeof node === 'string') return node;
    for (const dir of ancestors(inside)) if (!this.tree.has(dir)) this.tree.set(dir, { kind: 'dir' });
    this.tree.set(inside, node);
    return null;
  }

  private nodeFor(inside: string, entry: ArchiveEntry): Node | string {
    const target = entry.linkpath ?? '';
    if (entry.type === 'SymbolicLink') {
      if (target === '' || isAbsolute(target)) return `symbolic link to absolute or empty target ${JSON.stringify(target)}`;
      const escape = this.linkEscape(parts(path.posix.dirname(inside)), target);
      return escape === null ? { kind: 'symlink', target } : `symbolic link target ${JSON.stringify(target)} ${escape}`;
    }
    if (entry.type === 'Link') return this.hardlinkProblem(target) ?? { kind: 'file' };
    if (!CONTENT_TYPES.has(entry.type)) return `entry type ${entry.type} is not allowed`;
    return { kind: entry.type === 'Directory' ? 'dir' : 'file' };
  }

  /**
   * Follows `target` from the directory `from` through the links in the model; null when
   * it ends inside the package directory, else why not.
   *
   *   model {a/.../j -> 9 × ..}, from [], target a/.../j/ + 10 × ..  -> "leaves the package directory"
   *   model {}, from [], target x/..                                -> "goes through x, not yet in the archive, then .."
   */
  private linkEscape(from: string[], target: string): string | null {
    const at = [...from];
    const pending = parts(target);
    let hops = 0;
    let unknown: string | null = null;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '..') {
        if (unknown !== null) return `goes through ${JSON.stringify(unknown)}, not yet in the archive, then ..`;
        if (at.length === 0) return 'leaves the package directory';
        at.pop();
        continue;
      }
      at.push(part);
      if (unknown !== null) continue;
      const node = this.tree.get(at.join('/'));
      if (node === undefined) unknown = at.join('/');
      else if (node.kind === 'symlink') {
        if (++hops > MAX_LINK_HOPS) return `goes through more than ${MAX_LINK_HOPS} links`;
        at.pop();
        pending.unshift(...parts(node.target));
      }
    }
    return null;
  }

  /** Hard link targets name an earlier regular file of the archive, relative to its root. */
  private hardlinkProblem(target: string): string | null {
    if (target === '' || isAbsolute(target)) return `hard link to absolute or empty target ${JSON.stringify(target)}`;
    const inside = normalizedInside(target);
    if (inside === null || hasDotDot(target)) return `hard link target ${JSON.stringify(target)} leaves the package directory`;
    if (this.tree.get(inside)?.kind !== 'file') return `hard link target ${JSON.stringify(target)} is not an earlier file of the archive`;
    return null;
  }
}

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
  const judge = new ArchiveJudge();
  return entries.map((e) => judge.judge(e)).filter((p): p is string => p !== null);
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

/** A relative path's components, without empty and `.` ones. */
function parts(p: string): string[] {
  return p.split('/').filter((s) => s !== '' && s !== '.');
}

function ancestors(p: string): string[] {
  const segments = p.split('/');
  return segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
}
