/**
 * A Debian server binary (HAProxy, nginx, Prometheus) run in the foreground as this
 * process's child, for the tests, the benchmark and the demo: its stderr kept (bounded) for
 * the error that names why it did not come up, a readiness poll with a deadline that fails
 * fast when the child exits, and a stop that signals it and waits for the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pollUntil } from './poll-until.js';

/** Why a binary a test needs cannot run here, or undefined when it can. */
export function binaryMissing(bin: string, debianPackage: string): string | undefined {
  return existsSync(bin) ? undefined : `${bin} is not installed (Debian package ${debianPackage})`;
}

/** The stderr kept of a child: its first 16 KiB, where a start-up error is. */
const STDERR_KEPT = 16_384;

export interface ForegroundServer {
  child: ChildProcess;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; nothing when it already ended. */
  end(signal?: NodeJS.Signals): Promise<void>;
}

export interface ReadinessPoll {
  /** What the poll waits for, for the timeout's message. */
  what: string;
  ready: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs: number;
}

/** Starts `bin` with `args` and waits until `poll.ready`; throws with the binary's own stderr when it exits or never gets ready. */
export async function startForegroundServer(name: string, bin: string, args: readonly string[], poll: ReadinessPoll): Promise<ForegroundServer> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8');
  });
  const end = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  let outcome: 'up' | 'exited';
  try {
    outcome = await pollUntil(poll.what, async () => (child.exitCode !== null ? ('exited' as const) : (await poll.ready()) ? ('up' as const) : undefined), {
      timeoutMs: poll.timeoutMs,
      intervalMs: poll.intervalMs,
    });
  } catch (error) {
    await end('SIGKILL');
    throw new Error(`${(error as Error).message}; ${name} said: ${stderr.trim()}`);
  }
  if (outcome === 'exited') throw new Error(`${name} exited ${child.exitCode}: ${stderr.trim()}`);
  return { child, end };
}
