/**
 * `--wait` for deployments, restarts and rollbacks: poll the operation every 200 ms,
 * show what changed (progress-lines.ts, and on a terminal the bar of progress-bar.ts),
 * and return the final snapshot once it reaches a terminal status. A pause is not an
 * end: the wait goes on until someone promotes, resumes or aborts. A server restart
 * mid-operation is survivable (DESIGN invariant 6), so a lost connection or a 503 is
 * retried for a while instead of ending the wait. Ctrl-C ends the wait only
 * (interrupt-signal.ts): nothing is sent to the server, the operation goes on.
 */
import type { ApiClient } from './api-client.js';
import { CliFailure, EXIT_FAILED } from './exit-codes.js';
import { TERMINAL_STATUSES, type OperationRef, type OperationSnapshot } from './operation-snapshot.js';
import { progressBar } from './progress-bar.js';
import type { ProgressDisplay } from './progress-display.js';
import { finalLine, progressLines } from './progress-lines.js';
import { interruptedFailure, interruptOnSigint } from './interrupt-signal.js';
import { abortableSleep } from './abortable-sleep.js';

const POLL_INTERVAL_MS = 200;
/** How long the server may stay unreachable before the wait gives up. */
const OUTAGE_LIMIT_MS = 60_000;

export interface WaitResult<T extends OperationSnapshot> {
  snapshot: T;
  elapsedMs: number;
}

export async function waitForOperation<T extends OperationSnapshot>(
  client: ApiClient,
  op: OperationRef,
  display: ProgressDisplay,
): Promise<WaitResult<T>> {
  const sigint = interruptOnSigint();
  const stop = sigint.signal;
  const path = op.kind === 'deployment' ? `/api/v1/deployments/${encodeURIComponent(op.id)}` : `/api/v1/rollbacks/${encodeURIComponent(op.id)}`;
  const started = Date.now();
  let previous: T | null = null;
  let outageSince: number | null = null;
  try {
    for (;;) {
      if (stop.aborted) throw interruptedFailure(op);
      let current: T;
      try {
        const answer = await untilAborted(client.get<T>(path), stop);
        if (answer === ABORTED) throw interruptedFailure(op);
        current = answer;
        if (outageSince !== null) display.line('  (server reachable again)');
        outageSince = null;
      } catch (error) {
        if (!(error instanceof CliFailure) || !error.retryable) throw error;
        if (outageSince === null) {
          outageSince = Date.now();
          display.line(`  (${error.message}; still waiting)`);
        } else if (Date.now() - outageSince > OUTAGE_LIMIT_MS) {
          throw new CliFailure(`gave up waiting for ${op.kind} ${op.id}: ${error.message}`, error.exitCode);
        }
        await abortableSleep(POLL_INTERVAL_MS, stop);
        continue;
      }
      const lines = progressLines(op, previous, current);
      previous = current;
      if (TERMINAL_STATUSES[op.kind].includes(current.status)) {
        const elapsedMs = Date.now() - started;
        display.update([...lines, finalLine(op, current, elapsedMs)], null);
        return { snapshot: current, elapsedMs };
      }
      display.update(lines, progressBar(current, Date.now()));
      await abortableSleep(POLL_INTERVAL_MS, stop);
    }
  } finally {
    sigint.dispose();
    // An error message or the --json result must not land on the bar's line.
    display.close();
  }
}

/**
 * Exit 1 unless the waited-for operation succeeded (CONTRACT §1). Silent: the final
 * progress line (or the --json snapshot) already says how it ended and why.
 */
export function requireSucceeded(snapshot: OperationSnapshot): void {
  requireStatus(snapshot, 'succeeded');
}

/** Exit 1 unless the operation ended in `expected` (`ferry abort --wait` expects `aborted`). */
export function requireStatus(snapshot: OperationSnapshot, expected: string): void {
  if (snapshot.status !== expected) throw new CliFailure('', EXIT_FAILED);
}

const ABORTED = Symbol('aborted');

/** The request's answer, or ABORTED as soon as the signal fires (the request is left to finish on its own). */
function untilAborted<T>(request: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    request.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
