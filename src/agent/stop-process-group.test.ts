import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../local-fleet/poll-until.js';
import { identify, isGroupAlive, liveGroupMembers } from './process-liveness.js';
import { stopProcessGroup } from './stop-process-group.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-stop-group-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function startGroup(script: string): { leader: NonNullable<ReturnType<typeof identify>>; exited: Promise<unknown> } {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const leader = identify(child.pid!);
  if (leader === null) throw new Error('cannot identify the test process');
  return { leader, exited };
}

describe('stopProcessGroup', () => {
  it('returns soon after a group that honours SIGTERM has gone', async () => {
    const { leader } = startGroup('sleep 30 & wait');
    const started = Date.now();
    expect(await stopProcessGroup(leader, 5000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    // Zombies may remain until their parent (or init, for the orphaned sleep) reaps them.
    expect(liveGroupMembers(leader.pid)).toEqual([]);
  });

  it('kills a member that ignores SIGTERM after its leader has exited, once the grace is over', async () => {
    // The shell dies on SIGTERM; the subshell (and its sleep) ignore it. The marker is
    // written once the trap is set, so SIGTERM cannot arrive before it.
    const marker = path.join(dir, 'trap-set');
    const { leader, exited } = startGroup(`(trap "" TERM; : > '${marker}'; sleep 30) & wait`);
    await pollUntil('the subshell ignoring SIGTERM', async () => existsSync(marker) || undefined);
    const started = Date.now();
    // The leader's exit (the hint) comes long before the grace ends; the wait goes on.
    expect(await stopProcessGroup(leader, 300, exited)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await exited;
    expect(isGroupAlive(leader.pid)).toBe(false);
  });
});
