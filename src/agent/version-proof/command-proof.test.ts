/** The `command` check on real commands: found, mismatched, hung, flooding, failing, absent. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_OUTPUT_MAX_BYTES } from '../../core/version-check.js';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { namesVersion, proveByCommand } from './command-proof.js';

let release: string;
const env = { PATH: process.env.PATH!, FERRY_VERSION: '1.4.0' };

beforeAll(() => {
  release = mkdtempSync(path.join(tmpdir(), 'ferry-command-proof-'));
  writeFileSync(path.join(release, 'VERSION'), 'hello 1.4.0\nbuilt today\n');
});
afterAll(() => rmSync(release, { recursive: true, force: true }));

const prove = (command: string[], timeout_ms?: number, expectedVersion = '1.4.0') =>
  proveByCommand({ type: 'command', command, ...(timeout_ms !== undefined ? { timeout_ms } : {}) }, { cwd: release, env, expectedVersion });

describe('proveByCommand', () => {
  it('proves the expected version when the output names it, run in the release directory', async () => {
    expect(await prove(['cat', 'VERSION'])).toEqual({ kind: 'proven', version: '1.4.0', source: { type: 'command', detail: 'cat VERSION printed 1.4.0 (in the release directory)' } });
  });

  it('runs with the instance environment and no shell', async () => {
    expect(await prove(['sh', '-c', 'echo "$FERRY_VERSION"'])).toMatchObject({ kind: 'proven', version: '1.4.0' });
    // No shell: nothing expands the variable.
    expect(await prove(['echo', '$FERRY_VERSION'])).toMatchObject({ kind: 'mismatch', why: expect.stringContaining('printed "$FERRY_VERSION"') });
  });

  it('names the first line of output when it does not name the version', async () => {
    const result = await prove(['cat', 'VERSION'], undefined, '1.5.0');
    expect(result).toMatchObject({ kind: 'mismatch', why: 'version command cat VERSION printed "hello 1.4.0", which does not name 1.5.0' });
  });

  it('kills a hung command and its group at its timeout', async () => {
    const result = await prove(['sh', '-c', 'sleep 30.5 & sleep 30.5'], 300);
    expect(result).toEqual({ kind: 'failed', code: 'version_command_timeout', message: 'version command sh -c sleep 30.5 & sleep 30.5 did not finish within 300 ms; it was killed' });
    expect(runningSleeps('30.5')).toEqual([]);
  });

  it('kills a command that floods its output past the cap', async () => {
    const result = await prove(['yes', '1.4.0']);
    expect(result).toEqual({ kind: 'failed', code: 'version_command_output', message: `version command yes 1.4.0 printed more than ${COMMAND_OUTPUT_MAX_BYTES} bytes; it was killed` });
  });

  it('fails a command that exits non-zero or cannot start', async () => {
    expect(await prove(['sh', '-c', 'echo 1.4.0; exit 3'])).toMatchObject({ kind: 'failed', code: 'version_command_failed', message: expect.stringContaining('exited with code 3') });
    expect(await prove(['/nonexistent/ferry-version'])).toMatchObject({ kind: 'failed', code: 'version_command_failed' });
  });

  it('leaves nothing of the command running', async () => {
    // The backgrounded sleep would hold stdout open until the timeout; it goes with the command.
    const result = await prove(['sh', '-c', 'sleep 31.5 & echo 1.4.0'], 20_000);
    expect(result).toMatchObject({ kind: 'proven' });
    expect(runningSleeps('31.5')).toEqual([]);
  });
});

/**
 * A process that left the command's group (`setsid`) is out of reach of the group kill and
 * may hold stdout open forever: the run still settles by its deadline, and that process is
 * killed too (found by the run's tag in its environment).
 */
describe('proveByCommand with processes that left its group', () => {
  it('settles by its timeout while a setsid child holds stdout, and kills that child', async () => {
    const result = await settledWithin(2000, prove(['sh', '-c', 'setsid sleep 1000.81 & sleep 0.2; echo 1.4.0'], 500));
    // The shell's exit and a short grace end the run; on a slow machine the timeout may come first.
    expect(['proven', 'failed']).toContain(result.kind);
    if (result.kind === 'failed') expect(result.code).toBe('version_command_timeout');
    await noneLeft(['sleep', '1000.81']);
  });

  it('fails a hung command with version_command_timeout and kills its setsid child as well as its group', async () => {
    const result = await settledWithin(2000, prove(['sh', '-c', 'setsid sleep 1000.82 & sleep 1000.83'], 300));
    expect(result).toMatchObject({ kind: 'failed', code: 'version_command_timeout' });
    await noneLeft(['sleep', '1000.82']);
    await noneLeft(['sleep', '1000.83']);
  });

  it('proves a command that exits 0 while its setsid child holds stdout, and kills the child', async () => {
    // The shell waits until the child has left its group (setsid execs sleep once it has), then exits.
    const script = `setsid sleep 1000.84 & ${UNTIL_LAST_JOB_IS('sleep 1000.84')}; echo 1.4.0`;
    const result = await settledWithin(2000, prove(['sh', '-c', script], 20_000));
    expect(result).toMatchObject({ kind: 'proven', version: '1.4.0' });
    await noneLeft(['sleep', '1000.84']);
  });

  it('kills a setsid child that let go of stdout once the run is over', async () => {
    const script = `setsid sleep 1000.85 >/dev/null & ${UNTIL_LAST_JOB_IS('sleep 1000.85')}; echo 1.4.0`;
    const result = await prove(['sh', '-c', script], 20_000);
    expect(result).toMatchObject({ kind: 'proven', version: '1.4.0' });
    await noneLeft(['sleep', '1000.85']);
  });

  it('stops at the output cap a setsid child floods, and kills it', async () => {
    const result = await settledWithin(2000, prove(['sh', '-c', 'setsid yes ferry-flood & sleep 1000.86'], 20_000));
    expect(result).toMatchObject({ kind: 'failed', code: 'version_command_output' });
    await noneLeft(['yes', 'ferry-flood']);
    await noneLeft(['sleep', '1000.86']);
  });
});

/** Shell code that spins until the last background job's command line reads `command` (it has exec'd). */
const UNTIL_LAST_JOB_IS = (command: string) => `until tr '\\0' ' ' < /proc/$!/cmdline | grep -qx '${command} '; do :; done`;

/** The proof's result, or a rejection when it has not settled within `ms` (a hung run). */
function settledWithin<T>(ms: number, proof: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the proof did not settle within ${ms} ms`)), ms)));
  return Promise.race([proof, hung]).finally(() => clearTimeout(timer));
}

/** Waits (with a deadline) until no live process runs exactly `argv`. */
function noneLeft(argv: string[]): Promise<true> {
  return pollUntil(`no ${argv.join(' ')} left running`, async () => running(argv).length === 0 || undefined, { timeoutMs: 5000 });
}

/** Pids of live `sleep SECONDS` processes, from /proc. */
function runningSleeps(seconds: string): number[] {
  return running(['sleep', seconds]);
}

/** Pids of live (not zombie) processes whose command line is exactly `argv`, from /proc. */
function running(argv: string[]): number[] {
  const cmdline = argv.map((arg) => `${arg}\0`).join('');
  return readdirSync('/proc')
    .filter((name) => /^[0-9]+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === cmdline && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('namesVersion', () => {
  it.each([
    ['hello 1.4.0\n', true],
    ['v1.4.0', true],
    ['version 1.4.0.', true],
    ['{"version":"1.4.0"}', true],
    ['1.4.01', false],
    ['11.4.0', false],
    ['hello-1.4.0', false],
    ['', false],
  ])('%j names 1.4.0: %s', (output, expected) => {
    expect(namesVersion(output, '1.4.0')).toBe(expected);
  });
});
