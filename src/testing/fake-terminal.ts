/**
 * Runs the `ferry` command line in-process as a user would from a shell, and returns
 * its exit code and what it wrote to stdout and stderr. `tty` says whether stdout looks
 * like a terminal, so tests control which --wait rendering they get whatever runs them.
 * `stdin` stands in for the keyboard: whether it is a terminal, and what the person types.
 */
import { PassThrough } from 'node:stream';
import { runCli } from '../cli/main.js';

export interface FerryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface FakeStdin {
  tty: boolean;
  /** Typed after the command starts, e.g. `"y\n"`; the stream ends after it. */
  input?: string;
}

export async function runFerry(args: string[], options: { tty?: boolean; columns?: number; stdin?: FakeStdin } = {}): Promise<FerryRun> {
  const run: FerryRun = { code: null, stdout: '', stderr: '' };
  const { stdout, stderr } = process;
  const saved = { out: stdout.write, err: stderr.write, isTTY: stdout.isTTY, columns: stdout.columns };
  stdout.write = ((chunk: string | Uint8Array) => ((run.stdout += String(chunk)), true)) as typeof stdout.write;
  stderr.write = ((chunk: string | Uint8Array) => ((run.stderr += String(chunk)), true)) as typeof stderr.write;
  stdout.isTTY = options.tty === true;
  stdout.columns = options.columns ?? 120;
  const restoreStdin = options.stdin === undefined ? () => {} : replaceStdin(options.stdin);
  try {
    run.code = await runCli(['node', 'ferry', ...args]);
  } finally {
    stdout.write = saved.out;
    stderr.write = saved.err;
    stdout.isTTY = saved.isTTY;
    stdout.columns = saved.columns;
    restoreStdin();
  }
  return run;
}

/** Puts a stream in place of process.stdin; returns how to put the real one back. */
function replaceStdin(fake: FakeStdin): () => void {
  const stream = Object.assign(new PassThrough(), { isTTY: fake.tty });
  stream.end(fake.input ?? '');
  const descriptor = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: stream, configurable: true, enumerable: true });
  return () => Object.defineProperty(process, 'stdin', descriptor);
}
