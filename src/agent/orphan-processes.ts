/**
 * Instance processes no launch record names. An agent killed between spawning an
 * instance and writing its `pid.json` leaves such a process running: nothing supervises
 * it, and it may hold the instance's port. Every instance runs with its working directory
 * inside the agent root (a release directory), which is how they are found.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { identify, readProcStat, signalGroup } from './process-liveness.js';
import { stopProcessGroup } from './stop-process-group.js';

/**
 * Process groups whose members work inside `root` and that are none of `knownGroups`
 * (the groups of recorded instances: each instance leads its own group). Sorted.
 *   root /srv/ferry, sleep with cwd /srv/ferry/hello/releases/v1, no record → [its pgid]
 */
export function findOrphanGroups(root: string, knownGroups: Iterable<number>): number[] {
  const inside = path.resolve(root) + path.sep;
  const known = new Set(knownGroups);
  const own = readProcStat(process.pid)?.pgrp;
  const orphans = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = workingDirectory(Number(entry));
    if (cwd === null || !(cwd + path.sep).startsWith(inside)) continue;
    const stat = readProcStat(Number(entry));
    if (stat === null || stat.state === 'Z' || known.has(stat.pgrp) || stat.pgrp === own) continue;
    orphans.add(stat.pgrp);
  }
  return [...orphans].sort((a, b) => a - b);
}

function workingDirectory(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`).replace(/ \(deleted\)$/, '');
  } catch {
    return null;
  }
}

/**
 * Stops every orphan group under `root` (SIGTERM, the grace, then SIGKILL), so the
 * instance it belonged to can be started cleanly. Returns the groups it stopped.
 */
export async function stopOrphans(root: string, knownGroups: Iterable<number>, graceMs: number, log: Logger): Promise<number[]> {
  const orphans = findOrphanGroups(root, knownGroups);
  for (const pgid of orphans) {
    log.warn({ pgid }, 'stopping an instance process that no launch record names (its agent died while starting it)');
    const leader = identify(pgid);
    if (leader !== null) await stopProcessGroup(leader, graceMs);
    else signalGroup(pgid, 'SIGKILL'); // the leader is gone; what is left of its group goes now
  }
  return orphans;
}
