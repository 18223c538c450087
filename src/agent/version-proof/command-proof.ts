/**
 * The `command` check: run an argv (no shell) in the instance's release directory with
 * the instance's environment; its stdout must name the expected version as a whole token.
 * The command runs in its own process group, which is killed at `timeout_ms` (default
 * COMMAND_CHECK_TIMEOUT_MS) or as soon as stdout passes COMMAND_OUTPUT_MAX_BYTES, so a
 * hung or flooding command costs a bounded time and memory and fails the start with that
 * reason (`version_command_timeout`, `version_command_output`). When the run ends, the
 * processes it started that left the group are killed too (found by a tag in their
 * environment, `tagged-processes.ts`), and none of them can keep the proof waiting.
 */
import { spawn } from 'node:child_process';
import { COMMAND_CHECK_TIMEOUT_MS, COMMAND_OUTPUT_MAX_BYTES, type VersionCheck } from '../../core/version-check.js';
import { signalGroup } from '../process-liveness.js';
import { killTaggedProcesses, newProcessTag, withTag } from '../tagged-processes.js';
import type { ProofResult, ProofTarget } from './proof-result.js';

/** The environment variable that tags every process a run starts, so those that leave its group are found too. */
export const RUN_TAG_VARIABLE = 'FERRY_VERSION_CHECK_RUN';
/**
 * How long after the command exits its output may still arrive: long enough for the pipe
 * to drain (the group was killed, so only a process that left it can still hold stdout),
 * short enough that such a process does not stall the probe.
 */
const EXIT_GRACE_MS = 200;

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

/**
 * Runs the command and always settles by its deadline, whatever its processes do with
 * stdout. Waiting for `'close'` alone is not enough: it comes only once every holder of
 * the pipe closed it, and a descendant that left the group (`setsid`) would hold it, and
 * the proof, forever. So the run ends (everything it started killed, stdout destroyed,
 * the output read so far kept) at the timeout, at the output cap, or EXIT_GRACE_MS after
 * the command exited, whichever comes first; `'close'` before that ends it early.
 */
function runBounded(argv: string[], cwd: string, env: Record<string, string>, timeoutMs: number): Promise<CommandRun> {
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const tag = newProcessTag(RUN_TAG_VARIABLE);
    const child = spawn(program, args, { cwd, env: withTag(env, tag), detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const run: CommandRun = { stdout: '', exit: null, cut: null, spawnError: null };
    const chunks: Buffer[] = [];
    let size = 0;
    let grace: NodeJS.Timeout | null = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace !== null) clearTimeout(grace);
      if (child.pid !== undefined) {
        signalGroup(child.pid, 'SIGKILL');
        killTaggedProcesses(tag);
      }
      child.stdout.destroy();
      run.stdout = Buffer.concat(chunks).toString('utf8');
      resolve(run);
    };
    const stop = (why: 'timeout' | 'output') => {
      if (settled) return;
      run.cut = why;
      finish();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > COMMAND_OUTPUT_MAX_BYTES) return stop('output');
      chunks.push(chunk);
    });
    child.once('error', (err) => {
      if (settled) return;
      run.spawnError = err.message;
      finish();
    });
    // Whatever the command left behind in its group goes with it, and with them their hold
    // on stdout; a process outside the group gets EXIT_GRACE_MS to let go of it.
    child.once('exit', (code, signal) => {
      if (settled) return;
      run.exit = { code, signal };
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      grace = setTimeout(finish, EXIT_GRACE_MS);
    });
    child.once('close', finish);
  });
}
