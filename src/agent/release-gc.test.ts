import { describe, expect, it } from 'vitest';
import { releasesToDelete } from './release-gc.js';

const installed = [
  { version: 'v1', mtimeMs: 1 },
  { version: 'v3', mtimeMs: 3 },
  { version: 'v2', mtimeMs: 2 },
  { version: 'v4', mtimeMs: 4 },
];

describe('releasesToDelete', () => {
  it.each<[string, number, string[], string[]]>([
    ['keeps the newest by install time', 2, [], ['v2', 'v1']],
    ['never the one an instance runs', 2, ['v1'], ['v2']],
    ['never a protected version', 2, ['v2'], ['v1']],
    ['nothing when fewer than keep', 5, [], []],
    ['exactly keep', 4, [], []],
    ['keep 0 still spares in-use ones', 0, ['v4'], ['v3', 'v2', 'v1']],
    ['everything retained', 1, ['v1', 'v2', 'v3'], []],
  ])('%s', (_label, keep, retained, doomed) => {
    expect(releasesToDelete(installed, keep, new Set(retained))).toEqual(doomed);
  });

  it('breaks mtime ties by version so the choice is stable', () => {
    const tied = [
      { version: 'a', mtimeMs: 5 },
      { version: 'b', mtimeMs: 5 },
    ];
    expect(releasesToDelete(tied, 1, new Set())).toEqual(['a']);
  });
});
