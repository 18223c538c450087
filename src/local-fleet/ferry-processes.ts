/**
 * Starts `bin/ferry server` and `bin/ferry agent` as real child processes. Each writes
 * its log to a file beside its data, so a failing test or demo can show what happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** `bin/ferry`, found from this file in src/ (tests) or dist/ (built). */
export const FERRY_BIN = fileURLToPath(new URL('../../bin/ferry', import.meta.url));

/** Short intervals so local runs react in milliseconds rather than seconds. */
export const FAST_TIMERS: Record<string, string> = {
  FERRY_HEARTBEAT_S: '1',
  FERRY_LONG_POLL_S: '10',
  FERRY_PROBE_INTERVAL_MS: '250',
  FERRY_STOP_GRACE_S: '5',
  FERRY_RECONCILE_MS: '200',
  FERRY_RESTART_BACKOFF_MS: '200',
};

export interface FerryProcess {
  readonly pid: number;
  readonly logFile: string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill9(): Promise<void>;
  exited(): boolean;
}

export interface ServerProcess extends FerryProcess {
  url: string;
}

export async function startServerProcess(opts: { dataDir: string; adminToken: string; port?: number; env?: Record<string, string>; databaseUrl?: string }): Promise<ServerProcess> {
  mkdirSync(opts.dataDir, { recursive: true });
  const args = ['server', '--host', '127.0.0.1', '--port', String(opts.port ?? 0), '--data-dir', opts.dataDir];
  if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
  const env = { ...process.env, ...FAST_TIMERS, FERRY_LOG_LEVEL: 'info', ...opts.env, FERRY_ADMIN_TOKEN: opts.adminToken };
  const { child, logFile, control } = spawnFerry(args, env, join(opts.dataDir, 'server.log'));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = line.match(/^ferry server listening on (https?:\/\/\S+)$/);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`ferry server exited with code ${code} before listening; see ${logFile}`)));
  });
  return { ...control, url };
}

export function startAgentProcess(opts: { serverUrl: string; token: string; hostId: string; root: string; logFile: string; env?: Record<string, string> }): FerryProcess {
  mkdirSync(opts.root, { recursive: true });
  const args = ['agent', '--server', opts.serverUrl, '--host-id', opts.hostId, '--root', opts.root];
  // The token goes in the environment, not argv, where `ps` would show it; `env` may give a token file instead.
  const env = { ...process.env, ...FAST_TIMERS, FERRY_LOG_LEVEL: 'info', FERRY_AGENT_TOKEN: opts.token, FERRY_AGENT_TOKEN_FILE: '', ...opts.env };
  return spawnFerry(args, env, opts.logFile).control;
}

function spawnFerry(args: string[], env: NodeJS.ProcessEnv, logFile: string): { child: ChildProcess; logFile: string; control: FerryProcess } {
  const child = spawn(process.execPath, [FERRY_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let hasExited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((hasExited = true), resolve())));
  const control: FerryProcess = {
    pid: child.pid!,
    logFile,
    exited: () => hasExited,
    async stop(graceMs = 10_000) {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
    async kill9() {
      if (hasExited) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
  return { child, logFile, control };
}

/** What a finished `ferry` command printed, and how it exited. */
export interface FerryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/ferry ARGS` as its own process, as a user would, with `env` over this process's. */
export async function runFerryProcess(args: string[], env: Record<string, string> = {}): Promise<FerryRun> {
  const child = spawn(process.execPath, [FERRY_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}
