/**
 * The `process` proof's decision, pure: given what `/proc` says about the socket listening
 * on an instance's port and the processes holding it, is that the code the agent started,
 * and from which release? Nothing here reads the disk (`proc-facts.ts` gathers the facts),
 * so every case is a table row in `judge-listener.test.ts`.
 *
 * The proof trusts nothing the app says: a process is ours when the process the agent
 * started (pid and start time, so a reused pid cannot pass) is it or one of its ancestors;
 * it runs a release when its working directory, and its executable or the script its
 * command line names, resolve inside `releases/<version>/`.
 */
import path from 'node:path';
import type { Reason } from '../../core/types.js';
import type { ProcessIdentity } from '../process-liveness.js';
import type { StartFiles } from './start-files.js';

/** One process holding the listening socket, as `/proc` describes it. */
export interface HolderFacts {
  pid: number;
  startTime: number;
  /** `/proc/<pid>/comm`, e.g. `node`. Messages name it and the executable, never the arguments, which may hold secrets. */
  command: string;
  /** Parent first, up to pid 1 or where `/proc` stopped answering. */
  ancestors: ProcessIdentity[];
  /** `/proc/<pid>/cwd`, resolved; null when unreadable. */
  cwd: string | null;
  /** `/proc/<pid>/exe`, resolved; null when unreadable. */
  exe: string | null;
  /** The first argument after the program that is an existing file, resolved against cwd with symlinks resolved; null when none is. */
  script: string | null;
  /** What the service's start command runs, resolved against the holder's cwd; null when the holder is not ours or the agent does not know the command. */
  start: StartFiles | null;
}

export interface ListenerFacts {
  port: number;
  /** Inodes of the TCP sockets in state LISTEN on the port (tcp and tcp6). */
  inodes: string[];
  /** The processes found holding one of those sockets; empty when none could be seen. */
  holders: HolderFacts[];
  /** Those of `inodes` no process the agent can see holds (e.g. another user's, or root's, socket). */
  unheld: string[];
  /** The process the agent started for the instance; null when none runs. */
  started: ProcessIdentity | null;
  /** `<root>/<service>/releases`, resolved. */
  releasesDir: string;
}

export type ListenerVerdict =
  | { kind: 'no_listener' }
  | { kind: 'proven'; version: string; detail: string }
  | { kind: 'refused'; refusal: Reason };

/**
 * Judges the listener:
 *   no LISTEN socket on the port                                  → no_listener (not ready yet)
 *   a socket no visible process holds, or a holder outside the tree → refused foreign_listener
 *   ours, cwd outside releases/, or exe/script in another place    → refused outside_release
 *   ours, cwd in releases/V and exe or script in releases/V        → proven V
 *   ours, cwd in releases/V, no file on its command line:
 *     the start command names a file in releases/V               → proven V by cwd and start command
 *     it names files only elsewhere (a program installed on the   → refused outside_release
 *       host, a script in another directory)
 *     it names none (an interpreter given a module: `python3 -m`) → proven V by the cwd alone
 * Several holders (a socket shared with forked workers) must all be proven, in one release,
 * and every LISTEN socket on the port must be held by one (a second socket on the port, say
 * `[::1]:P` beside `127.0.0.1:P`, held by someone else takes some of its clients).
 */
export function judgeListener(facts: ListenerFacts): ListenerVerdict {
  if (facts.inodes.length === 0) return { kind: 'no_listener' };
  if (facts.holders.length === 0 || facts.unheld.length > 0) {
    const inodes = facts.holders.length === 0 ? facts.inodes : facts.unheld;
    const message = `a process the agent cannot inspect listens on :${facts.port} (socket inode ${inodes.join(', ')}), not the process it started`;
    return { kind: 'refused', refusal: { code: 'foreign_listener', message } };
  }
  const verdicts = facts.holders.map((holder) => judgeHolder(holder, facts));
  const refused = verdicts.find((v) => v.kind === 'refused');
  if (refused !== undefined) return refused;
  const proven = verdicts as Extract<ListenerVerdict, { kind: 'proven' }>[];
  const first = proven[0]!;
  const other = proven.find((v) => v.version !== first.version);
  if (other !== undefined) {
    const message = `processes on :${facts.port} run from two releases, ${first.version} and ${other.version}`;
    return { kind: 'refused', refusal: { code: 'outside_release', message } };
  }
  return first;
}

function judgeHolder(holder: HolderFacts, facts: ListenerFacts): ListenerVerdict {
  const who = `pid ${holder.pid} (${holder.command})`;
  if (!isOurs(holder, facts.started)) {
    const started = facts.started === null ? 'no process the agent started runs' : `the agent started pid ${facts.started.pid}`;
    const running = holder.exe !== null ? `, running ${holder.exe}` : '';
    const message = `${who} listens on :${facts.port}${running}; it is no process of the instance (${started})`;
    return { kind: 'refused', refusal: { code: 'foreign_listener', message } };
  }
  const outside = (what: string): ListenerVerdict => ({ kind: 'refused', refusal: { code: 'outside_release', message: `${who} listens on :${facts.port} but ${what}` } });
  const version = releaseOf(holder.cwd, facts.releasesDir);
  if (version === null) return outside(`runs from ${holder.cwd ?? 'an unreadable directory'}, outside ${facts.releasesDir}/`);
  const at = `releases/${version}`;
  const exeVersion = releaseOf(holder.exe, facts.releasesDir);
  if (exeVersion === version) return proven(version, `${who} listens on :${facts.port}, cwd and executable in ${at}`);
  if (exeVersion !== null) return outside(`its executable ${holder.exe} is in releases/${exeVersion}, its cwd in ${at}`);
  if (holder.script === null) return judgeByStart(holder, who, facts, version);
  if (releaseOf(holder.script, facts.releasesDir) === version) return proven(version, `${who} listens on :${facts.port}, cwd and script in ${at}`);
  return outside(`its script ${holder.script} is outside ${at}/`);
}

/**
 * A holder whose command line names no file: its start command decides (see
 * `judgeListener`). A file of it in the release proves the release. Else the script the
 * listener runs is what counts: the start program itself when its `#!` names the
 * listener's executable (`http-server` found on the host's PATH, run by node), or the first
 * file argument when the program is the listener's executable (`node /opt/old/server.js`).
 * Launchers in between (a shell, a version manager's shim) say nothing either way.
 */
function judgeByStart(holder: HolderFacts, who: string, facts: ListenerFacts, version: string): ListenerVerdict {
  const at = `releases/${version}`;
  const listens = `${who} listens on :${facts.port}`;
  const start = holder.start;
  const named = start === null ? [] : [start.program, ...start.files].filter((file): file is string => file !== null);
  const inRelease = named.find((file) => releaseOf(file, facts.releasesDir) === version);
  if (inRelease !== undefined) {
    const shown = path.relative(path.join(facts.releasesDir, version), inRelease);
    return proven(version, `${listens}, cwd in ${at}, started by ${shown} in it (its command line names no file)`);
  }
  const script = start === null || start.program === null ? undefined : start.program === holder.exe ? start.files[0] : runsAs(start.interpreter, holder.exe) ? start.program : undefined;
  if (script !== undefined) {
    return { kind: 'refused', refusal: { code: 'outside_release', message: `${listens} from ${at}, but its start command runs ${script}, outside ${at}/` } };
  }
  return proven(version, `${listens}, cwd in ${at} (its command line names no file)`);
}

/** Whether a `#!` interpreter name is the listener's executable: `node` for /usr/bin/node, `python3` for /usr/bin/python3.11. */
function runsAs(interpreter: string | null, exe: string | null): boolean {
  if (interpreter === null || exe === null) return false;
  const name = path.basename(exe);
  return name === interpreter || (name.startsWith(interpreter) && /^[0-9.]+$/.test(name.slice(interpreter.length)));
}

function proven(version: string, detail: string): ListenerVerdict {
  return { kind: 'proven', version, detail };
}

/** True when the holder is the started process or descends from it (same pid and start time). */
function isOurs(holder: HolderFacts, started: ProcessIdentity | null): boolean {
  if (started === null) return false;
  const same = (p: ProcessIdentity) => p.pid === started.pid && p.start_time === started.start_time;
  return same({ pid: holder.pid, start_time: holder.startTime }) || holder.ancestors.some(same);
}

/**
 * The release directory a path lies in, or null:
 *   ("/r/hello/releases/1.0.0/server.js", "/r/hello/releases") → "1.0.0"
 *   ("/r/hello/releases", "/r/hello/releases")                  → null (not inside one)
 *   ("/tmp/server.js", "/r/hello/releases")                     → null
 */
export function releaseOf(file: string | null, releasesDir: string): string | null {
  if (file === null) return null;
  const relative = path.relative(releasesDir, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep)[0] ?? null;
}
