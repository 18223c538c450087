/**
 * Runs a load balancer's command (an nginx test or reload, an operator's traffic command)
 * the way everything Ferry runs must be run: an argv without a shell, so a placeholder's
 * value stays one argument; in a process group of its own, killed whole when it outlives
 * its timeout; with its output kept only up to a cap; and with a small environment, so the
 * server's own secrets (tokens, database URLs in FERRY_* and the like) never reach it.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Output kept per stream; the rest is read and dropped, so a chatty command cannot block. */
export const MAX_COMMAND_OUTPUT_BYTES = 64 * 1024;

/** The only variables a command inherits from the server. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

export interface ArgvRun {
  /** The exit status, or null when a signal ended it, it timed out or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Why it could not start (ENOENT, EACCES, …). */
  startError?: string;
  stdout: string;
  stderr: string;
}

export function commandEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of INHERITED_ENV) if (env[name] !== undefined) kept[name] = env[name]!;
  return kept;
}

export function runBoundedArgv(argv: readonly string[], options: { timeoutMs: number; maxOutputBytes?: number }): Promise<ArgvRun> {
  const cap = options.maxOutputBytes ?? MAX_COMMAND_OUTPUT_BYTES;
  return new Promise((resolve) => {
    const [program, ...args] = argv;
    if (program === undefined) return resolve({ exitCode: null, signal: null, timedOut: false, startError: 'empty argv', stdout: '', stderr: '' });
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(program, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: commandEnvironment(), shell: false });
    } catch (error) {
      // Node refuses some argv outright (a NUL byte in an argument): that is a failed start too.
      return resolve({ exitCode: null, signal: null, timedOut: false, startError: (error as NodeJS.ErrnoException).code ?? (error as Error).message, stdout: '', stderr: '' });
    }
    const out = { stdout: capped(cap), stderr: capped(cap) };
    child.stdout.on('data', (chunk: Buffer) => out.stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => out.stderr.add(chunk));
    let settled = false;
    const finish = (run: Omit<ArgvRun, 'stdout' | 'stderr'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...run, stdout: out.stdout.text(), stderr: out.stderr.text() });
    };
    const timer = setTimeout(() => {
      // The whole group: a shell script's children would otherwise outlive it.
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      finish(child.exitCode === null ? { exitCode: null, signal: null, timedOut: true } : { exitCode: child.exitCode, signal: child.signalCode, timedOut: false });
    }, options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => finish({ exitCode: null, signal: null, timedOut: false, startError: error.code ?? error.message }));
    // 'close' waits for the output to end too; a process left behind holding it open is killed by the timer.
    child.once('close', (code, signal) => finish({ exitCode: code, signal, timedOut: false }));
  });
}

/**
 * Why a run failed, for a traffic result's error, or null when it exited 0. It names the
 * program only: the arguments may carry what an operator would not want in a log.
 *   exit 2, stderr "…\nno such backend" → "lb-ctl exited with status 2: no such backend"
 */
export function describeFailedRun(program: string, run: ArgvRun, timeoutMs: number): string | null {
  if (run.startError !== undefined) return `${program} could not be started: ${run.startError}`;
  if (run.timedOut) return `${program} did not finish within ${timeoutMs} ms and was killed with its process group`;
  if (run.signal !== null) return `${program} was killed by ${run.signal}`;
  if (run.exitCode === 0) return null;
  const last = lastLine(run.stderr) ?? lastLine(run.stdout);
  return `${program} exited with status ${run.exitCode}${last === undefined ? '' : `: ${last}`}`;
}

/** The last non-empty line of `text`, at most 500 characters. */
export function lastLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  return line === undefined ? undefined : line.slice(0, 500);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function capped(cap: number): { add(chunk: Buffer): void; text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk) {
      if (size >= cap) return;
      const kept = chunk.subarray(0, cap - size);
      chunks.push(kept);
      size += kept.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}
