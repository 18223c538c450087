/**
 * Starts one instance process from its `current` release. The process runs detached in
 * its own process group with its output in a log file, and the agent does not hold it
 * open, so instances outlive the agent (DESIGN.md, On-host layout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { currentVersion } from './current-link.js';
import { currentLink, logFile } from './host-layout.js';
import { writeStartMarker } from './instance-log.js';
import { writeLaunchRecord, type LaunchRecord } from './launch-record.js';
import { readProcStat } from './process-liveness.js';

/** Everything needed to (re)start an instance's process; the version comes from `current`. */
export interface LaunchSpec {
  instanceId: string;
  service: string;
  instanceDir: string;
  port: number;
  /** Shell command run with `sh -c` inside the release directory (see `shellScript`). */
  start: string;
  env: Record<string, string>;
  healthPath: string;
  versionPath: string;
}

/** How a process ended. */
export interface ExitInfo {
  /** Null for signals, and for adopted processes, whose exit status only their parent saw. */
  code: number | null;
  signal: string | null;
}

export interface LaunchedProcess {
  record: LaunchRecord;
  /** Watched from the moment of spawn, so even an instant death is seen. */
  exited: Promise<ExitInfo>;
}

/** A log over this size is rotated to `instance.log.1` when the next process starts. */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * The environment of an instance process. The service's env comes after PATH and HOME
 * but before the four variables Ferry owns, so a service cannot lie about its identity.
 */
export function instanceEnv(spec: LaunchSpec, version: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const inherited: Record<string, string> = {};
  if (base.PATH !== undefined) inherited.PATH = base.PATH;
  if (base.HOME !== undefined) inherited.HOME = base.HOME;
  return {
    ...inherited,
    ...spec.env,
    PORT: String(spec.port),
    FERRY_SERVICE: spec.service,
    FERRY_VERSION: version,
    FERRY_INSTANCE_ID: spec.instanceId,
  };
}

/** Characters with a meaning to the shell beyond splitting words; a command without any is one plain program call. */
const SHELL_SYNTAX = /[^A-Za-z0-9_ ./:@%+,=-]/;
/** First words that name no program `exec` could run: reserved words and builtins. */
const SHELL_ONLY = new Set(['.', ':', 'alias', 'break', 'cd', 'continue', 'eval', 'exec', 'exit', 'export', 'read', 'readonly', 'return', 'set', 'shift', 'source', 'times', 'trap', 'ulimit', 'umask', 'unset', 'wait', 'if', 'for', 'while', 'until', 'case', 'function']);

/**
 * The script given to `sh -c`. A plain program call (`node server.js`) is prefixed with
 * `exec`, so the program replaces the shell instead of running as its child: the instance
 * is then its own process group's leader, receives signals directly, and its end is seen
 * at once (dash, Debian's sh, forks even for a single command). Anything else, including
 * `VAR=x cmd`, which `exec` would not accept, runs as written.
 *
 *   "node server.js"          -> "exec node server.js"
 *   "./bin/app --port=8080"   -> "exec ./bin/app --port=8080"
 *   "DEBUG=1 node server.js"  -> unchanged
 *   "npm ci && node s.js"     -> unchanged
 *   "cd app"                  -> unchanged (a builtin)
 */
export function shellScript(start: string): string {
  const command = start.trim();
  const first = command.split(' ')[0] ?? '';
  if (first === '' || SHELL_SYNTAX.test(command) || first.includes('=') || SHELL_ONLY.has(first)) return start;
  return `exec ${command}`;
}

/** Starts the process and records it in `pid.json`; throws when there is nothing to start. */
export async function launchProcess(spec: LaunchSpec): Promise<LaunchedProcess> {
  const version = currentVersion(spec.instanceDir);
  if (version === null) throw new Error(`instance ${spec.instanceId} has no current release to start`);
  const log = openRotatedLog(spec.instanceDir);
  let child: ChildProcess;
  try {
    // Before the spawn, so the crashed_on_start reason quotes only this process's lines.
    writeStartMarker(log, spec.instanceId, version, Date.now());
    child = spawn('sh', ['-c', shellScript(spec.start)], {
      cwd: currentLink(spec.instanceDir),
      env: instanceEnv(spec, version),
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  child.unref();
  const exited = watchChild(child);
  const pid = child.pid;
  if (pid === undefined) {
    const failure = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`cannot start instance ${spec.instanceId}: ${failure.message}`);
  }
  // Read before the event loop runs again: the child cannot have been reaped yet.
  const record: LaunchRecord = {
    pid,
    start_time: readProcStat(pid)?.startTime ?? 0,
    version,
    port: spec.port,
    health_path: spec.healthPath,
    version_path: spec.versionPath,
    started_at: Date.now(),
  };
  writeLaunchRecord(spec.instanceDir, record);
  return { record, exited };
}

function watchChild(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
}

/** Synchronous, like every small agent file (see atomic-write.ts). */
function openRotatedLog(instanceDirPath: string): number {
  const file = logFile(instanceDirPath);
  mkdirSync(path.dirname(file), { recursive: true });
  const size = existsSync(file) ? statSync(file).size : 0;
  if (size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  return openSync(file, 'a');
}
