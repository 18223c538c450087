/**
 * Finds and kills every process a short-lived command started, including those that left
 * its process group (`setsid`, `setpgid`) or were re-parented to init: the group and the
 * parent chain cannot name them, but the environment is inherited through fork and exec.
 * The command is started with a tag (`NAME=<random hex>`) in its environment, and every
 * process whose `/proc/<pid>/environ` carries that exact entry is one of its own.
 *
 * Only processes of the agent's own user are looked at (another user's environment is not
 * ours to read, and their processes not ours to kill). Reads are bounded: at most
 * SCAN_MAX_ENTRIES processes and ENVIRON_MAX_BYTES of each environment. A process that
 * rewrites its environment block, or buries the tag past that many bytes, escapes: this
 * cleans up what a command leaves by accident, it is no sandbox. Reads are synchronous, as
 * in `process-liveness.ts`: a few microseconds of kernel work per process.
 */
import { randomBytes } from 'node:crypto';
import { opendirSync, statSync } from 'node:fs';
import { readFileHead } from './file-head.js';

/** The tag a command's processes carry: one `name=value` entry of their environment. */
export interface ProcessTag {
  name: string;
  value: string;
}

const ENVIRON_MAX_BYTES = 256 * 1024;
const SCAN_MAX_ENTRIES = 65_536;
/** A tagged process may fork while it is being killed; its child carries the tag too, and a later round finds it. */
const KILL_MAX_ROUNDS = 5;

/** A fresh tag: 128 random bits, so no other run's processes carry it. */
export function newProcessTag(name: string): ProcessTag {
  return { name, value: randomBytes(16).toString('hex') };
}

/**
 * `env` with the tag added first (so the command's own process has it within the first
 * bytes of its environ), replacing any variable of that name `env` holds.
 *   ({PATH: '/bin'}, FERRY_RUN=ab12) → {FERRY_RUN: 'ab12', PATH: '/bin'}
 */
export function withTag(env: Record<string, string>, tag: ProcessTag): Record<string, string> {
  const tagged: Record<string, string> = { [tag.name]: tag.value };
  for (const [key, value] of Object.entries(env)) if (key !== tag.name) tagged[key] = value;
  return tagged;
}

/**
 * True when a NUL-separated environment block holds the tag as a whole entry.
 *   ("A=1\0FERRY_RUN=ab12\0", FERRY_RUN=ab12) → true
 *   ("A=1\0FERRY_RUN=ab123\0", FERRY_RUN=ab12) → false   ("X_FERRY_RUN=ab12\0", ...) → false
 */
export function environHasTag(environ: Buffer, tag: ProcessTag): boolean {
  const entry = Buffer.from(`${tag.name}=${tag.value}\0`);
  if (environ.subarray(0, entry.length).equals(entry)) return true;
  return environ.indexOf(Buffer.concat([Buffer.from([0]), entry])) >= 0;
}

/** Pids of the agent user's live processes whose environment carries the tag (the agent itself excluded). */
export function findTaggedProcesses(tag: ProcessTag): number[] {
  const uid = process.getuid?.() ?? null;
  const found: number[] = [];
  let dir;
  try {
    dir = opendirSync('/proc');
  } catch {
    return [];
  }
  try {
    for (let seen = 0; seen < SCAN_MAX_ENTRIES; seen++) {
      const entry = dir.readSync();
      if (entry === null) break;
      if (!/^\d+$/.test(entry.name)) continue;
      const pid = Number(entry.name);
      if (pid === process.pid || !ownedBy(pid, uid)) continue;
      const environ = readEnviron(pid);
      if (environ !== null && environHasTag(environ, tag)) found.push(pid);
    }
  } finally {
    dir.closeSync();
  }
  return found;
}

/**
 * SIGKILLs every process carrying the tag, rescanning until a scan finds none it has not
 * killed yet (or after KILL_MAX_ROUNDS). A killed process may still show for a moment
 * while it exits, then as a zombie, whose environ reads empty. Returns the pids it killed.
 */
export function killTaggedProcesses(tag: ProcessTag): number[] {
  const killed = new Set<number>();
  for (let round = 0; round < KILL_MAX_ROUNDS; round++) {
    const fresh = findTaggedProcesses(tag).filter((pid) => !killed.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // It ended on its own meanwhile.
      }
    }
  }
  return [...killed];
}

function ownedBy(pid: number, uid: number | null): boolean {
  if (uid === null) return false;
  try {
    return statSync(`/proc/${pid}`).uid === uid;
  } catch {
    return false;
  }
}

/** The first ENVIRON_MAX_BYTES of a process's environment, or null when unreadable. */
function readEnviron(pid: number): Buffer | null {
  return readFileHead(`/proc/${pid}/environ`, ENVIRON_MAX_BYTES);
}
