import { describe, expect, it } from 'vitest';
import { commandEnvironment, describeFailedRun, lastLine, MAX_COMMAND_OUTPUT_BYTES, runBoundedArgv } from './run-bounded-argv.js';

describe('runBoundedArgv', () => {
  it('keeps at most 64 KiB of each stream and still waits for the end', async () => {
    const script = "process.stdout.write('x'.repeat(1024 * 1024)); process.stderr.write('y'.repeat(200 * 1024) + '\\nlast words\\n'); process.exitCode = 4;";
    const run = await runBoundedArgv([process.execPath, '-e', script], { timeoutMs: 10_000 });
    expect(run.exitCode).toBe(4);
    expect(run.stdout.length).toBe(MAX_COMMAND_OUTPUT_BYTES);
    expect(run.stderr.length).toBe(MAX_COMMAND_OUTPUT_BYTES);
  });

  it('passes the command only a small environment, none of the server’s secrets', () => {
    expect(commandEnvironment({ PATH: '/usr/bin', HOME: '/root', FERRY_ADMIN_TOKEN: 't', DATABASE_URL: 'postgres://u:p@db/x', LANG: 'C.UTF-8' })).toEqual({ PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8' });
  });

  it('runs with that environment', async () => {
    process.env.FERRY_TEST_SECRET_FOR_ADAPTER = 'hidden';
    try {
      const run = await runBoundedArgv([process.execPath, '-e', 'process.stdout.write(String(process.env.FERRY_TEST_SECRET_FOR_ADAPTER))'], { timeoutMs: 10_000 });
      expect(run.stdout).toBe('undefined');
    } finally {
      delete process.env.FERRY_TEST_SECRET_FOR_ADAPTER;
    }
  });
});

describe('describeFailedRun', () => {
  const base = { exitCode: null, signal: null, timedOut: false, stdout: '', stderr: '' };
  it.each([
    ['success', { ...base, exitCode: 0 }, null],
    ['a status with stderr', { ...base, exitCode: 1, stderr: 'a\nb\n\n' }, 'lb exited with status 1: b'],
    ['a status with only stdout', { ...base, exitCode: 2, stdout: 'only out' }, 'lb exited with status 2: only out'],
    ['a bare status', { ...base, exitCode: 2 }, 'lb exited with status 2'],
    ['a signal', { ...base, signal: 'SIGSEGV' as const }, 'lb was killed by SIGSEGV'],
    ['a timeout', { ...base, timedOut: true }, 'lb did not finish within 100 ms and was killed with its process group'],
    ['no start', { ...base, startError: 'EACCES' }, 'lb could not be started: EACCES'],
  ])('%s', (_name, run, expected) => {
    expect(describeFailedRun('lb', run, 100)).toBe(expected);
  });

  it('bounds the line it quotes', () => {
    expect(lastLine('z'.repeat(10_000))).toHaveLength(500);
  });
});
