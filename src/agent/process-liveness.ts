/**
 * Is the process we started still the one running? A pid alone is not enough: after a
 * reboot or a long time the kernel hands the same pid to another program. Linux's
 * `/proc/<pid>/stat` field 22 (start time in clock ticks since boot) pins the identity,
 * and field 3 (state) tells a zombie, which is dead but not yet reaped, from a live one.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process as recorded in `pid.json`. */
export interface ProcessIdentity {
  pid: number;
  start_time: number;
}

export interface ProcStat {
  state: string;
  /** Parent pid (field 4): a process's ancestry is walked through it. */
  ppid: number;
  /** Process group id (field 5). */
  pgrp: number;
  startTime: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may hold
 * spaces or parentheses itself, so fields are counted from the last `)`.
 *
 *   "42 (node) S 1 42 42 0 -1 ... 123456 ..." -> { state: 'S', ppid: 1, pgrp: 42, startTime: 123456 }
 */
export function parseProcStat(content: string): ProcStat | null {
  const close = content.lastIndexOf(')');
  if (close < 0) return null;
  const fields = content.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state), so field 4 is fields[1], field 5 fields[2] and field 22 fields[19].
  const state = fields[0];
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const startTime = Number(fields[19]);
  if (state === undefined || !Number.isFinite(ppid) || !Number.isFinite(pgrp) || !Number.isFinite(startTime)) return null;
  return { state, ppid, pgrp, startTime };
}

export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The identity of a live process, or null when there is none with that pid. */
export function identify(pid: number): ProcessIdentity | null {
  const stat = readProcStat(pid);
  if (stat === null || stat.state === 'Z') return null;
  return { pid, start_time: stat.startTime };
}

/** True while that very process runs: the pid exists, is no zombie and started when recorded. */
export function isAlive(identity: ProcessIdentity): boolean {
  const stat = readProcStat(identity.pid);
  return stat !== null && stat.state !== 'Z' && stat.startTime === identity.start_time;
}

/**
 * True while some live (non-zombie) process belongs to the group. Zombies do not count:
 * where PID 1 does not reap orphans they would linger forever, yet run nothing.
 */
export function isGroupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name));
  } catch {
    return false;
  }
  return pids.some((pid) => {
    const stat = readProcStat(Number(pid));
    return stat !== null && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

/**
 * Whether any process, zombies included, is in the group: one kill(-pgid, 0) instead of
 * reading every /proc/<pid>/stat. False means the group is certainly gone; true may be
 * zombies only (an orphan waits for init to reap it, which can take a second).
 */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Pids of the group's live (not zombie) members, from one scan of /proc. */
export function liveGroupMembers(pgid: number): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name));
  } catch {
    return [];
  }
  return pids.map(Number).filter((pid) => isLiveMember(pid, pgid));
}

/** True while `pid` runs, is not a zombie and is still in group `pgid`. */
export function isLiveMember(pid: number, pgid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.pgrp === pgid && stat.state !== 'Z';
}

/** Sends a signal to a whole process group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
