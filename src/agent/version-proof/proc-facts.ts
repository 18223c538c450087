/**
 * Reads what the `process` proof judges (`judge-listener.ts`) from `/proc`: the LISTEN
 * sockets on a port (`/proc/net/tcp`, `/proc/net/tcp6`), which processes hold them
 * (`/proc/<pid>/fd/* -> socket:[inode]`), and each holder's ancestry, cwd, executable and
 * script. Every read is bounded in bytes or entries; reads are synchronous, as in
 * `process-liveness.ts`, because each is a few microseconds of kernel work and the proof
 * sits on every instance start (`bench/version-proof.mjs`).
 *
 * The started process's descendants are searched first (through `task/<pid>/children`),
 * so the usual proof reads a handful of files; only a socket held elsewhere costs a scan
 * of every process.
 */
import { closeSync, openSync, opendirSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { readFileHead } from '../file-head.js';
import { readProcStat, type ProcessIdentity } from '../process-liveness.js';
import type { HolderFacts, ListenerFacts } from './judge-listener.js';
import { startFiles } from './start-files.js';

/**
 * The kernel lists a TCP table's LISTEN sockets first (the listening hash, then the
 * established one), and formats it as it is read: reading stops at the first socket in
 * another state, so a host with thousands of connections costs no more than one without
 * (a full read of 500 sockets takes ~5 ms; the listeners alone a fraction of that).
 */
const NET_TABLE_CHUNK_BYTES = 16 * 1024;
const NET_TABLE_MAX_BYTES = 4 * 1024 * 1024;
const CMDLINE_MAX_BYTES = 8192;
const SMALL_FILE_MAX_BYTES = 4096;
/** The most fds looked at per process, and the most ancestors and descendants walked. */
const FD_MAX_ENTRIES = 65_536;
const TREE_MAX_PROCESSES = 4096;
const ANCESTRY_MAX_DEPTH = 128;
const LISTEN_STATE = '0A';
/** Foreign holders remembered by socket inode (oldest forgotten first past this many). */
const KNOWN_HOLDERS_MAX = 256;
/** How long "no visible process holds this socket" stands before the next scan of every process. */
const UNSEEN_RESCAN_MS = 30_000;
const knownHolders = new Map<string, { pids: number[]; at: number }>();

/** What the agent knows of the instance's start command, for a holder whose command line names no file. */
export interface StartCommand {
  start: string | null;
  /** The instance's PATH, which the start command's program was looked up on. */
  pathEnv: string | undefined;
}

/**
 * The facts about the listener on `port`. `started` is the process the agent started for
 * the instance (null when none runs: any holder is then someone else's).
 */
export function readListenerFacts(port: number, started: ProcessIdentity | null, releasesDir: string, start: StartCommand = { start: null, pathEnv: undefined }): ListenerFacts {
  const inodes = [...listeningInodes(readListeners('/proc/net/tcp'), port), ...listeningInodes(readListeners('/proc/net/tcp6'), port)];
  const facts: ListenerFacts = { port, inodes, holders: [], unheld: [], started, releasesDir: resolved(releasesDir) ?? path.resolve(releasesDir) };
  if (inodes.length === 0) return facts;
  const tree = started === null ? [] : descendants(started.pid);
  const held = new Set<string>();
  const ours = tree.filter((pid) => {
    const holds = heldSockets(pid, inodes);
    for (const inode of holds) held.add(inode);
    return holds.length > 0;
  });
  // Every socket on the port must be accounted for: one the tree does not hold is looked for elsewhere.
  const rest = inodes.filter((inode) => !held.has(inode));
  const others = rest.length === 0 ? { pids: [], unheld: [] } : outsideHolders(rest, new Set(tree));
  facts.holders = [...ours.flatMap((pid) => holderFacts(pid, start) ?? []), ...others.pids.flatMap((pid) => holderFacts(pid, null) ?? [])];
  facts.unheld = others.unheld;
  return facts;
}

/**
 * Holders of sockets outside the started tree: first the ones found for them last time
 * (a squatter stays put, and the periodic probe asks every second), else a scan of every
 * process, which on a big host reads many thousands of fd links; a socket no visible
 * process holds is rescanned at most every UNSEEN_RESCAN_MS.
 */
function outsideHolders(inodes: string[], inTree: ReadonlySet<number>): { pids: number[]; unheld: string[] } {
  const now = Date.now();
  const pids = new Set<number>();
  const unheld: string[] = [];
  let scan: Map<string, number[]> | null = null;
  for (const inode of inodes) {
    const known = knownHolders.get(inode);
    let holders = known?.pids.filter((pid) => !inTree.has(pid) && heldSockets(pid, [inode]).length > 0) ?? [];
    const stillUnseen = known !== undefined && known.pids.length === 0 && now - known.at < UNSEEN_RESCAN_MS;
    if (holders.length === 0 && !stillUnseen) {
      scan ??= scanHolders(inodes, inTree);
      holders = scan.get(inode) ?? [];
      remember(inode, holders, now);
    }
    if (holders.length === 0) unheld.push(inode);
    for (const pid of holders) pids.add(pid);
  }
  return { pids: [...pids], unheld };
}

/** Every process outside the tree, by the sockets of `inodes` it holds. */
function scanHolders(inodes: string[], inTree: ReadonlySet<number>): Map<string, number[]> {
  const byInode = new Map<string, number[]>();
  for (const pid of allPids()) {
    if (inTree.has(pid)) continue;
    for (const inode of heldSockets(pid, inodes)) byInode.set(inode, [...(byInode.get(inode) ?? []), pid]);
  }
  return byInode;
}

function remember(inode: string, pids: number[], at: number): void {
  knownHolders.delete(inode);
  if (knownHolders.size >= KNOWN_HOLDERS_MAX) knownHolders.delete(knownHolders.keys().next().value!);
  knownHolders.set(inode, { pids, at });
}

/**
 * Inodes of the LISTEN sockets on `port` in a `/proc/net/tcp` or `tcp6` table:
 *
 *   "0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 4242 ..."
 *     → port 8080 (0x1F90) → ["4242"]
 */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== LISTEN_STATE) continue;
    const hexPort = local.slice(local.lastIndexOf(':') + 1);
    const inode = fields[9];
    if (parseInt(hexPort, 16) === port && inode !== undefined && inode !== '0') inodes.push(inode);
  }
  return inodes;
}

/** The head of a TCP table up to its first socket that is not listening (see NET_TABLE_CHUNK_BYTES). */
function readListeners(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const buffer = Buffer.alloc(NET_TABLE_CHUNK_BYTES);
    let text = '';
    let checked = 1; // lines already seen to be listeners; line 0 is the header
    while (text.length < NET_TABLE_MAX_BYTES) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      text += buffer.toString('latin1', 0, read);
      const lines = text.split('\n');
      for (; checked < lines.length - 1; checked += 1) {
        if (lines[checked]!.trim().split(/\s+/)[3] !== LISTEN_STATE) return lines.slice(0, checked).join('\n');
      }
    }
    return text;
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

/** The started process and everything below it, breadth first, through `/proc/<pid>/task/<pid>/children`. */
function descendants(root: number): number[] {
  const seen = [root];
  for (let i = 0; i < seen.length && seen.length < TREE_MAX_PROCESSES; i += 1) {
    const pid = seen[i]!;
    for (const tid of entries(`/proc/${pid}/task`, TREE_MAX_PROCESSES)) {
      for (const child of readCapped(`/proc/${pid}/task/${tid}/children`, SMALL_FILE_MAX_BYTES).split(' ')) {
        if (/^[0-9]+$/.test(child)) seen.push(Number(child));
      }
    }
  }
  return seen;
}

function allPids(): number[] {
  return entries('/proc', Number.MAX_SAFE_INTEGER).filter((name) => /^[0-9]+$/.test(name)).map(Number);
}

/** Which of `inodes` the process holds a descriptor of. */
function heldSockets(pid: number, inodes: readonly string[]): string[] {
  const held = new Set<string>();
  for (const fd of entries(`/proc/${pid}/fd`, FD_MAX_ENTRIES)) {
    const target = link(`/proc/${pid}/fd/${fd}`);
    if (target === null || !target.startsWith('socket:[')) continue;
    const inode = target.slice(8, -1);
    if (inodes.includes(inode)) held.add(inode);
    if (held.size === inodes.length) break;
  }
  return [...held];
}

/**
 * A holder as `/proc` shows it; `start` given only for the started tree's own processes,
 * and read only when the judge needs it (a command line that names no file), not on every
 * periodic probe of a server whose script is in plain sight.
 */
function holderFacts(pid: number, start: StartCommand | null): HolderFacts | null {
  const stat = readProcStat(pid);
  if (stat === null) return null;
  const argv = readCapped(`/proc/${pid}/cmdline`, CMDLINE_MAX_BYTES).split('\0').filter((arg) => arg !== '');
  const cwd = link(`/proc/${pid}/cwd`);
  const script = cwd === null ? null : scriptOf(argv, cwd);
  return {
    pid,
    startTime: stat.startTime,
    command: readCapped(`/proc/${pid}/comm`, SMALL_FILE_MAX_BYTES).trim(),
    ancestors: ancestorsOf(stat.ppid),
    cwd,
    exe: resolved(link(`/proc/${pid}/exe`)),
    script,
    start: start === null || cwd === null || script !== null ? null : startFiles(start.start, cwd, start.pathEnv),
  };
}

/** The parent chain from `ppid` up, each with its start time, so a reused pid is told apart. */
function ancestorsOf(ppid: number): ProcessIdentity[] {
  const chain: ProcessIdentity[] = [];
  for (let pid = ppid; pid > 0 && chain.length < ANCESTRY_MAX_DEPTH; ) {
    const stat = readProcStat(pid);
    if (stat === null) break;
    chain.push({ pid, start_time: stat.startTime });
    pid = stat.ppid;
  }
  return chain;
}

/** The first argument after the program that is an existing regular file, resolved; null when none is. */
function scriptOf(argv: string[], cwd: string): string | null {
  for (const arg of argv.slice(1)) {
    const candidate = path.resolve(cwd, arg);
    try {
      if (statSync(candidate).isFile()) return realpathSync(candidate);
    } catch {
      // not a file: an option, a module name, a port number
    }
  }
  return null;
}

/** Up to `maxBytes` of a file as text; empty when it cannot be read (the process is gone, or not ours to read). */
function readCapped(file: string, maxBytes: number): string {
  return readFileHead(file, maxBytes)?.toString('utf8') ?? '';
}

function entries(dir: string, max: number): string[] {
  const names: string[] = [];
  try {
    const handle = opendirSync(dir);
    try {
      for (let entry = handle.readSync(); entry !== null && names.length < max; entry = handle.readSync()) names.push(entry.name);
    } finally {
      handle.closeSync();
    }
  } catch {
    // the process ended, or its fds are not ours to list
  }
  return names;
}

function link(file: string): string | null {
  try {
    return readlinkSync(file);
  } catch {
    return null;
  }
}

function resolved(file: string | null): string | null {
  if (file === null) return null;
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}
