/** The `command` check on real commands: found, mismatched, hung, flooding, failing, absent. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_OUTPUT_MAX_BYTES } from '../../core/version-check.js';
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

/** Pids of live `sleep SECONDS` processes, from /proc. */
function runningSleeps(seconds: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^[0-9]+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${seconds}\0` && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
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
