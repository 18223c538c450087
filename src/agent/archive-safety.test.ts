import { describe, expect, it } from 'vitest';
import { findUnsafeEntries, type ArchiveEntry } from './archive-safety.js';

const file = (p: string): ArchiveEntry => ({ path: p, type: 'File', linkpath: null });
const dir = (p: string): ArchiveEntry => ({ path: p, type: 'Directory', linkpath: null });
const symlink = (p: string, target: string): ArchiveEntry => ({ path: p, type: 'SymbolicLink', linkpath: target });
const hardlink = (p: string, target: string): ArchiveEntry => ({ path: p, type: 'Link', linkpath: target });

describe('findUnsafeEntries', () => {
  it.each<[string, ArchiveEntry[], number]>([
    ['plain files and directories', [dir('./'), dir('lib/'), file('lib/a.js'), file('./VERSION')], 0],
    ['a link inside the package', [symlink('bin/run', '../lib/a.js'), hardlink('copy.js', 'lib/a.js')], 0],
    ['a ../ entry', [file('ok'), file('../evil')], 1],
    ['a ../ in the middle', [file('lib/../../evil')], 1],
    ['a ../ that stays inside', [file('lib/../x')], 1],
    ['an absolute path', [file('/etc/passwd')], 1],
    ['a windows drive path', [file('C:\\evil')], 1],
    ['a symlink to an absolute target', [symlink('sh', '/bin/sh')], 1],
    ['a symlink escaping', [symlink('a/b', '../../x')], 1],
    ['a hard link escaping', [hardlink('h', '../x')], 1],
    ['a hard link to an absolute target', [hardlink('h', '/etc/shadow')], 1],
    ['a file written through a link', [symlink('l', 'sub'), file('l/f')], 1],
    ['a chain of links climbing out', [dir('d1/'), symlink('d1/l', '..'), symlink('d1/l/l2', '..')], 1],
    ['a device', [{ path: 'dev', type: 'CharacterDevice', linkpath: null }], 1],
  ])('%s', (_label, entries, problems) => {
    expect(findUnsafeEntries(entries)).toHaveLength(problems);
  });

  it('names the entry and the reason', () => {
    expect(findUnsafeEntries([file('../evil')])).toEqual(['"../evil": path leaves the package directory']);
  });
});
