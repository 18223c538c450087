/**
 * What the long-running commands (`server`, `agent`) share: timers read once from the
 * environment, and a clean stop on SIGTERM/SIGINT. Ferry runs in the process that got
 * the signal (bin/ferry forks nothing), so a supervisor's stop reaches it directly.
 */
import type { Timers } from '../../config/timers.js';
import { FerryError } from '../../core/errors.js';
import { writeNote } from '../cli-output.js';
import { CliFailure, EXIT_FAILED, usageFailure } from '../exit-codes.js';

export function readTimersOrFail(read: () => Timers): Timers {
  try {
    return read();
  } catch (error) {
    throw usageFailure(`bad timer setting in the environment: ${(error as Error).message}`);
  }
}

/**
 * On the first SIGTERM or SIGINT, run `stop` and exit 0 (1 if stopping failed); a
 * second signal while stopping exits at once, for an operator who does not want to wait.
 */
export function stopOnSignals(what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      writeNote(`ferry: ${signal} again, ${what} exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    writeNote(`ferry: ${signal}, stopping ${what}`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        writeNote(`ferry: ${what} did not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * A system error at start (port in use, data dir not writable) is an expected failure:
 * one line, exit 1; a refused setting (a token file others can read) is bad input: one
 * line, exit 2. Anything else is a bug and keeps its stack.
 */
export function startFailure(what: string, error: unknown): unknown {
  if (error instanceof FerryError) return usageFailure(`${what} could not start: ${error.message}`);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new CliFailure(`${what} could not start: ${(error as Error).message}`, EXIT_FAILED);
  }
  return error;
}
