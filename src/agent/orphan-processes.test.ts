import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findOrphanGroups } from './orphan-processes.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
});

function startIn(cwd: string): number {
  const child = spawn('sh', ['-c', 'sleep 30'], { cwd, detached: true, stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

describe('findOrphanGroups', () => {
  it('finds a process group working inside the root that no record names, and only that', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ferry-orphans-'));
    const release = path.join(root, 'hello', 'releases', 'v1');
    mkdirSync(release, { recursive: true });
    const outside = mkdtempSync(path.join(tmpdir(), 'ferry-outside-'));
    try {
      const orphan = startIn(release);
      const recorded = startIn(release);
      const elsewhere = startIn(outside);
      const found = findOrphanGroups(root, [recorded]);
      expect(found).toContain(orphan);
      expect(found).not.toContain(recorded);
      expect(found).not.toContain(elsewhere);
      // A sibling directory whose name merely starts like the root is not inside it.
      expect(findOrphanGroups(root.slice(0, -1), [])).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
