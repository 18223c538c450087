/**
 * `ferry logs INSTANCE [--lines N] [--follow]`: an instance's own output, read by its
 * agent on request (GET /api/v1/instances/{id}/logs, admin: logs may hold secrets the
 * service printed). `--follow` asks again every second for what follows the previous
 * answer's `next_after`, riding out a slow agent (503) like `--wait` rides out a restart.
 * Ctrl-C ends the follow; that is how it is meant to end, so it exits 0.
 */
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { writeJson, writeLine, writeNote } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CliFailure } from '../exit-codes.js';
import { interruptOnSigint } from '../interrupt-signal.js';
import { integerAtLeast } from '../option-values.js';
import { abortableSleep } from '../abortable-sleep.js';

interface LogsFlags extends ClientFlags {
  lines?: number;
  follow?: boolean;
}

interface LogsAnswer {
  instance_id: string;
  lines: string[];
  next_after: number;
  truncated: boolean;
}

const FOLLOW_INTERVAL_MS = 1000;

export function registerLogsCommand(program: Command): void {
  addClientOptions(
    program
      .command('logs')
      .description("an instance's log (its process output), read through its agent")
      .argument('<instance>', 'instance id')
      .option('--lines <n>', 'lines from the end (1–1000, default 100)', integerAtLeast(1))
      .option('--follow', 'keep printing new lines until Ctrl-C'),
  ).action(async (instance: string, flags: LogsFlags) => {
    const { client, json } = clientContext(flags);
    const path = `/api/v1/instances/${encodeURIComponent(instance)}/logs`;
    const first = await client.get<LogsAnswer>(path, { lines: flags.lines });
    print(first, json);
    if (flags.follow !== true) return;
    const sigint = interruptOnSigint();
    try {
      await follow(client, path, first.next_after, json, sigint.signal);
    } finally {
      sigint.dispose();
    }
  });
}

async function follow(client: ApiClient, path: string, from: number, json: boolean, stop: AbortSignal): Promise<void> {
  let after = from;
  let failing = false;
  while (!stop.aborted) {
    await abortableSleep(FOLLOW_INTERVAL_MS, stop);
    if (stop.aborted) return;
    try {
      const next = await client.get<LogsAnswer>(path, { lines: 1000, after });
      if (failing) writeNote('  (log reachable again)');
      failing = false;
      after = next.next_after;
      print(next, json);
    } catch (error) {
      if (!(error instanceof CliFailure) || !error.retryable) throw error;
      if (!failing) writeNote(`  (${error.message}; still following)`);
      failing = true;
    }
  }
}

function print(answer: LogsAnswer, json: boolean): void {
  if (json) return writeJson(answer);
  for (const line of answer.lines) writeLine(line);
}
