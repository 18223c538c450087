/**
 * `--wait` for deployments, restarts and rollbacks: poll the operation every 200 ms,
 * print what changed (progress-lines.ts), and return the final snapshot once it reaches
 * a terminal status. A server restart mid-operation is survivable (DESIGN invariant 6),
 * so a lost connection or a 503 is retried for a while instead of ending the wait.
 */
import type { ApiClient } from './api-client.js';
import { CliFailure, EXIT_FAILED } from './exit-codes.js';
import { TERMINAL_STATUSES, type OperationRef, type OperationSnapshot } from './operation-snapshot.js';
import { finalLine, progressLines } from './progress-lines.js';

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
  print: (line: string) => void,
): Promise<WaitResult<T>> {
  const path = op.kind === 'deployment' ? `/api/v1/deployments/${encodeURIComponent(op.id)}` : `/api/v1/rollbacks/${encodeURIComponent(op.id)}`;
  const started = Date.now();
  let previous: T | null = null;
  let outageSince: number | null = null;
  for (;;) {
    let current: T;
    try {
      current = await client.get<T>(path);
      if (outageSince !== null) print('  (server reachable again)');
      outageSince = null;
    } catch (error) {
      if (!(error instanceof CliFailure) || !error.retryable) throw error;
      if (outageSince === null) {
        outageSince = Date.now();
        print(`  (${error.message}; still waiting)`);
      } else if (Date.now() - outageSince > OUTAGE_LIMIT_MS) {
        throw new CliFailure(`gave up waiting for ${op.kind} ${op.id}: ${error.message}`, error.exitCode);
      }
      await sleep(POLL_INTERVAL_MS);
      continue;
    }
    for (const line of progressLines(op, previous, current)) print(line);
    previous = current;
    if (TERMINAL_STATUSES[op.kind].includes(current.status)) {
      const elapsedMs = Date.now() - started;
      print(finalLine(op, current, elapsedMs));
      return { snapshot: current, elapsedMs };
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

/**
 * Exit 1 unless the waited-for operation succeeded (CONTRACT §1). Silent: the final
 * progress line (or the --json snapshot) already says how it ended and why.
 */
export function requireSucceeded(snapshot: OperationSnapshot): void {
  if (snapshot.status !== 'succeeded') throw new CliFailure('', EXIT_FAILED);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
