import { lstat, mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnsafeEntries, MAX_LINK_HOPS, type ArchiveEntry } from './archive-safety.js';
import { removeTree } from './read-only-tree.js';

const file = (p: string): ArchiveEntry => ({ path: p, type: 'File', linkpath: null });
const dir = (p: string): ArchiveEntry => ({ path: p, type: 'Directory', linkpath: null });
const symlinkEntry = (p: string, target: string): ArchiveEntry => ({ path: p, type: 'SymbolicLink', linkpath: target });
const hardlink = (p: string, target: string): ArchiveEntry => ({ path: p, type: 'Link', linkpath: target });

const DEEP = 'a/b/c/d/e/f/g/h/i/j';
const up = (n: number): string => Array.from({ length: n }, () => '..').join('/');

describe('findUnsafeEntries', () => {
  it.each<[string, ArchiveEntry[], number]>([
    ['plain files and directories', [dir('./'), dir('lib/'), file('lib/a.js'), file('./VERSION')], 0],
    ['a link inside the package', [file('lib/a.js'), symlinkEntry('bin/run', '../lib/a.js'), hardlink('copy.js', 'lib/a.js')], 0],
    ['a ../ entry', [file('ok'), file('../evil')], 1],
    ['a ../ in the middle', [file('lib/../../evil')], 1],
    ['a ../ that stays inside', [file('lib/../x')], 1],
    ['an absolute path', [file('/etc/passwd')], 1],
    ['a windows drive path', [file('C:\\evil')], 1],
    ['a backslash in a name', [symlinkEntry('a\\b', '../x')], 1],
    ['a symlink to an absolute target', [symlinkEntry('sh', '/bin/sh')], 1],
    ['a symlink escaping', [symlinkEntry('a/b', '../../x')], 1],
    ['a hard link escaping', [hardlink('h', '../x')], 1],
    ['a hard link to an absolute target', [hardlink('h', '/etc/shadow')], 1],
    ['a hard link to a later entry', [hardlink('h', 'later'), file('later')], 1],
    ['a hard link to a symlink', [symlinkEntry('l', 'x'), hardlink('h', 'l')], 1],
    ['a file written through a link', [symlinkEntry('l', 'sub'), file('l/f')], 1],
    ['a chain of links climbing out', [dir('d1/'), symlinkEntry('d1/l', '..'), symlinkEntry('d1/l/l2', '..')], 1],
    ['a device', [{ path: 'dev', type: 'CharacterDevice', linkpath: null }], 1],
    ['a deep link back to the root, alone', [symlinkEntry(DEEP, up(9))], 0],
    // The reported escape: each link is inside lexically, but s follows j back to the root and climbs on.
    ['a link climbing through a deep link to the root', [symlinkEntry(DEEP, up(9)), symlinkEntry('s', `${DEEP}/${up(10)}`)], 1],
    ['a link descending through a deep link', [symlinkEntry(DEEP, up(9)), dir('lib'), symlinkEntry('s', `${DEEP}/lib`)], 0],
    ['a link to the root, then .. through it', [symlinkEntry('r', '.'), symlinkEntry('s', 'r/..')], 1],
    ['.. after a path the archive has not made', [symlinkEntry('s', 'x/..')], 1],
    ['.. after a known directory', [dir('x'), symlinkEntry('s', 'x/..')], 0],
    ['a link replaced by a later entry', [symlinkEntry('l', 'a'), symlinkEntry('l', '.')], 1],
    ['a directory listed twice', [dir('lib'), dir('lib/')], 0],
    ['a loop of links used with ..', [symlinkEntry('p', 'q'), symlinkEntry('q', 'p/..')], 1],
  ])('%s', (_label, entries, problems) => {
    expect(findUnsafeEntries(entries)).toHaveLength(problems);
  });

  it('names the entry and the reason', () => {
    expect(findUnsafeEntries([file('../evil')])).toEqual(['"../evil": path leaves the package directory']);
    expect(findUnsafeEntries([symlinkEntry(DEEP, up(9)), symlinkEntry('s', `${DEEP}/${up(10)}`)])).toEqual([
      `"s": symbolic link target ${JSON.stringify(`${DEEP}/${up(10)}`)} leaves the package directory`,
    ]);
  });

  it(`gives up after ${MAX_LINK_HOPS} links in one lookup`, () => {
    const chain = Array.from({ length: MAX_LINK_HOPS + 1 }, (_, i) => symlinkEntry(`l${i}`, i === 0 ? '.' : `l${i - 1}`));
    expect(findUnsafeEntries([...chain, dir('x'), symlinkEntry('s', `l${MAX_LINK_HOPS}/x`)])).toEqual([`"s": symbolic link target "l${MAX_LINK_HOPS}/x" goes through more than ${MAX_LINK_HOPS} links`]);
  });
});

/**
 * The property behind the judge: whenever it accepts an archive of directories, files and
 * links, the tree those entries really make (made here with mkdir and symlink, as tar
 * does) holds no path that resolves outside its root.
 */
describe('findUnsafeEntries on real trees', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'ferry-archive-safety-'));
  });
  afterAll(() => removeTree(work));

  // Few names and many `..`: collisions and climbs are what the judge has to get right.
  const name = fc.constantFrom('a', 'b');
  const entryPath = fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
  const target = fc.array(fc.constantFrom('a', 'b', '..', '..', '.'), { minLength: 1, maxLength: 5 }).map((p) => p.join('/'));
  const entry = fc.oneof(
    { arbitrary: entryPath.map(dir), weight: 1 },
    { arbitrary: entryPath.map(file), weight: 1 },
    { arbitrary: fc.tuple(entryPath, target).map(([p, t]) => symlinkEntry(p, t)), weight: 4 },
  );

  it('accepted archives never resolve outside the root', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 8 }), async (entries) => {
        if (findUnsafeEntries(entries).length > 0) return;
        const root = await realpath(await mkdtemp(path.join(work, `t${n++}-`)));
        await makeTree(root, entries);
        // Every path the archive names, and one below each (through a link, where it is one).
        // Joined as text: path.join would resolve `..` lexically, the kernel does not.
        const probes = entries.flatMap((e) => [e.path, `${e.path}/a`, `${e.path}/b/c`]);
        for (const probe of probes) {
          const resolved = await realpath(`${root}/${probe}`).catch(() => null);
          if (resolved !== null) expect(resolved === root || resolved.startsWith(`${root}/`), `${probe} -> ${resolved} in ${JSON.stringify(entries)}`).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** Makes the entries as tar would: parents created, an entry that cannot be made skipped. */
async function makeTree(root: string, entries: readonly ArchiveEntry[]): Promise<void> {
  for (const e of entries) {
    const at = path.join(root, e.path);
    try {
      await mkdir(path.dirname(at), { recursive: true });
      if (e.type === 'Directory') await mkdir(at, { recursive: true });
      else if (e.type === 'File') await writeFile(at, 'x', { flag: 'wx' });
      else if (!(await lstat(at).then(() => true, () => false))) await symlink(e.linkpath!, at);
    } catch {
      // tar would fail the install here (strict); the tree so far is still checked.
    }
  }
}
