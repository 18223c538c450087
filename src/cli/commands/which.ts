/**
 * `ferry which`: the answer to "which version served this?". `--trace TRACE_ID` names the
 * version, instance and host a traced deployment, restart or rollback put in place
 * (which-trace.ts).
 */
import type { Command } from 'commander';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CliFailure, EXIT_USAGE } from '../exit-codes.js';
import { whichTrace } from './which-trace.js';

interface WhichFlags extends ClientFlags {
  trace?: string;
}

export function registerWhichCommand(program: Command): void {
  addClientOptions(
    program
      .command('which')
      .description('which version, instance and host a trace (or request) was served by')
      .option('--trace <trace_id>', 'the trace of a deployment, restart or rollback (32 hex digits, as in traceparent)'),
  ).action(async (flags: WhichFlags) => {
    const { client, json } = clientContext(flags);
    if (flags.trace !== undefined) return whichTrace(client, flags.trace, json);
    throw new CliFailure('ferry which needs --trace TRACE_ID', EXIT_USAGE);
  });
}
