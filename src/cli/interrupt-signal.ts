/**
 * Ctrl-C while following an operation (`--wait`, `ferry status ID --watch`) stops the
 * following, not the operation: the deployment or rollback goes on on the server. The
 * CLI then says how to attach again and exits 130 (128 + SIGINT, the shell's convention
 * for "interrupted"), so a script can tell "I stopped watching" from "it failed" (1).
 */
import { CliFailure } from './exit-codes.js';
import type { OperationRef } from './operation-snapshot.js';

export const EXIT_INTERRUPTED = 130;

/** An AbortSignal that fires on the first SIGINT until `dispose()`; while armed, SIGINT does not kill the process. */
export function interruptOnSigint(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/**
 *   interruptedFailure({kind: 'deployment', id: 'dep-1'}).message →
 *   'stopped watching; deployment dep-1 goes on. Attach again with: ferry status dep-1 --watch'
 */
export function interruptedFailure(op: OperationRef): CliFailure {
  return new CliFailure(`stopped watching; ${op.kind} ${op.id} goes on. Attach again with: ferry status ${op.id} --watch`, EXIT_INTERRUPTED);
}
