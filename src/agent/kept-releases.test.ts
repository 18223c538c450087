import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseDir } from './host-layout.js';
import { KeptReleases } from './kept-releases.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function hostWith(...versions: string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ferry-kept-'));
  roots.push(root);
  for (const v of versions) mkdirSync(releaseDir(root, 'hello', v), { recursive: true });
  return root;
}

describe('KeptReleases', () => {
  it('reads the disk once until told that a release changed', async () => {
    const root = hostWith('v1');
    const kept = new KeptReleases(root, 30_000);
    expect(await kept.read(1000)).toEqual({ hello: ['v1'] });

    mkdirSync(releaseDir(root, 'hello', 'v2'));
    expect(await kept.read(2000)).toEqual({ hello: ['v1'] });

    kept.changed();
    expect(await kept.read(3000)).toEqual({ hello: ['v1', 'v2'] });
  });

  it('reads again once the list is older than its maximum age', async () => {
    const root = hostWith('v1');
    const kept = new KeptReleases(root, 30_000);
    await kept.read(1000);
    rmSync(releaseDir(root, 'hello', 'v1'), { recursive: true });
    expect(await kept.read(31_000)).toEqual({ hello: ['v1'] });
    expect(await kept.read(31_001)).toEqual({});
  });
});
