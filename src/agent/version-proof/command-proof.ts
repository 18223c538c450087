/**
 * The `command` check: run an argv (no shell) in the instance's release directory with
 * the instance's environment; its stdout must name the expected version as a whole token.
 * The command runs in its own process group, which is killed at `timeout_ms` (default
 * COMMAND_CHECK_TIMEOUT_MS) or as soon as stdout passes COMMAND_OUTPUT_MAX_BYTES, so a
 * hung or flooding command costs a bounded time and memory and fails the start with that
 * reason (`version_command_timeout`, `version_command_output`).
 */
import { spawn } from 'node:child_process';
import { COMMAND_CHECK_TIMEOUT_MS, COMMAND_OUTPUT_MAX_BYTES, type VersionCheck } from '../../core/version-check.js';
import { signalGroup } from '../process-liveness.js';
import type { ProofResult, ProofTarget } from './proof-result.js';

type CommandCheck = Extract<VersionCheck, { type: 'command' }>;

interface CommandRun {
  stdout: string;
  exit: { code: number | null; signal: string | null } | null;
  /** Why the run was cut short, when it was. */
  cut: 'timeout' | 'output' | null;
  spawnError: string | null;
}

export async function proveByCommand(check: CommandCheck, target: Pick<ProofTarget, 'cwd' | 'env' | 'expectedVersion'>): Promise<ProofResult> {
  const timeoutMs = check.timeout_ms ?? COMMAND_CHECK_TIMEOUT_MS;
  const shown = check.command.join(' ');
  const run = await runBounded(check.command, target.cwd, target.env, timeoutMs);
  if (run.spawnError !== null) return { kind: 'failed', code: 'version_command_failed', message: `version command ${shown} could not run: ${run.spawnError}` };
  if (run.cut === 'timeout') return { kind: 'failed', code: 'version_command_timeout', message: `version command ${shown} did not finish within ${timeoutMs} ms; it was killed` };
  if (run.cut === 'output') return { kind: 'failed', code: 'version_command_output', message: `version command ${shown} printed more than ${COMMAND_OUTPUT_MAX_BYTES} bytes; it was killed` };
  const exit = run.exit!;
  if (exit.code !== 0) {
    const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return { kind: 'failed', code: 'version_command_failed', message: `version command ${shown} ${how}` };
  }
  const source = { type: 'command' as const, detail: `${shown} printed ${target.expectedVersion ?? 'a version'} (in the release directory)` };
  if (target.expectedVersion !== null && namesVersion(run.stdout, target.expectedVersion)) return { kind: 'proven', version: target.expectedVersion, source };
  const firstLine = run.stdout.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? '';
  const why = `version command ${shown} printed ${firstLine === '' ? 'nothing' : JSON.stringify(firstLine)}, which does not name ${target.expectedVersion ?? 'a version'}`;
  return { kind: 'mismatch', why };
}

/**
 * True when `version` appears in `output` as a whole token: separated by characters a
 * version cannot hold, a trailing sentence dot ignored, and a `v` prefix allowed.
 *
 *   ("hello 1.4.0\n", "1.4.0") → true      ("v1.4.0", "1.4.0") → true
 *   ("1.4.0.", "1.4.0")        → true      ("1.4.01", "1.4.0") → false
 *   ("hello-1.4.0", "1.4.0")   → false     ("11.4.0", "1.4.0") → false
 */
export function namesVersion(output: string, version: string): boolean {
  return output
    .split(/[^A-Za-z0-9._+-]+/)
    .map((token) => token.replace(/\.+$/, ''))
    .some((token) => token === version || token === `v${version}`);
}

function runBounded(argv: string[], cwd: string, env: Record<string, string>, timeoutMs: number): Promise<CommandRun> {
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const run: CommandRun = { stdout: '', exit: null, cut: null, spawnError: null };
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (why: 'timeout' | 'output') => {
      run.cut ??= why;
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (run.cut !== null) return;
      size += chunk.length;
      if (size > COMMAND_OUTPUT_MAX_BYTES) return stop('output');
      chunks.push(chunk);
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      run.spawnError = err.message;
      resolve(run);
    });
    // Whatever the command left behind in its group goes with it, and with them their hold on stdout.
    child.once('exit', () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      run.exit = { code, signal };
      run.stdout = Buffer.concat(chunks).toString('utf8');
      resolve(run);
    });
  });
}
