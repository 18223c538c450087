/**
 * `ferry replay S V`: starts a staging replay of release V (CONTRACT §4; with no baseline
 * when the service has no desired version yet), waits for its
 * verdict (polling with a deadline), and prints the summary and a table of differences.
 * Exit 0 when the replay passed, 1 when it failed or found too many differences;
 * `--json` prints the finished replay as the API answers it.
 */
import type { Command } from 'commander';
import { writeJson, writeLine, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CliFailure, EXIT_FAILED } from '../exit-codes.js';
import { integerAtLeast } from '../option-values.js';

interface ReplayFlags extends ClientFlags {
  timeout?: number;
}

interface ReplayView {
  replay_id: string;
  status: 'running' | 'completed' | 'failed';
  passed: boolean | null;
  summary: string;
  baseline_version: string | null;
  difference_count: number;
  differences: Array<{ request: number; field: string; expected?: unknown; actual?: unknown }>;
  reason: { code: string; message: string } | null;
}

const POLL_MS = 250;
/** Rows of the differences table; the rest are counted, and `--json` has them all. */
const SHOWN_DIFFERENCES = 50;

export function registerReplayCommand(program: Command): void {
  addClientOptions(
    program
      .command('replay')
      .description('replay recorded requests against a staging instance of a release and two instances of the desired version (alone, for a first release); exit 1 unless it passes')
      .argument('<service>')
      .argument('<version>')
      .option('--timeout <s>', 'give up waiting after this many seconds (default 600)', integerAtLeast(1)),
  ).action(async (service: string, version: string, flags: ReplayFlags) => {
    const { client, json } = clientContext(flags);
    const started = await client.post<ReplayView>(`/api/v1/releases/${encodeURIComponent(service)}/${encodeURIComponent(version)}/replay`);
    const deadline = Date.now() + (flags.timeout ?? 600) * 1000;
    let replay = started;
    while (replay.status === 'running') {
      if (Date.now() >= deadline) throw new CliFailure(`replay ${started.replay_id} is still running after ${flags.timeout ?? 600} s; see GET /api/v1/replays/${started.replay_id}`, EXIT_FAILED);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      replay = await client.get<ReplayView>(`/api/v1/replays/${encodeURIComponent(started.replay_id)}`);
    }
    if (json) writeJson(replay);
    else printReplay(service, version, replay);
    if (replay.passed !== true) throw new CliFailure('', EXIT_FAILED);
  });
}

function printReplay(service: string, version: string, replay: ReplayView): void {
  const verdict = replay.passed === true ? 'passed' : 'FAILED';
  // A first release has no desired version to compare with: its replay judged it alone.
  writeLine(`replay ${replay.replay_id} of ${service} ${version} against ${replay.baseline_version ?? 'no baseline'}: ${verdict}`);
  writeLine(replay.summary);
  if (replay.reason !== null && replay.status === 'failed') writeLine(`reason: ${replay.reason.code}: ${replay.reason.message}`);
  if (replay.differences.length === 0) return;
  writeLine();
  writeTable(
    ['REQUEST', 'FIELD', 'EXPECTED', 'ACTUAL'],
    replay.differences.slice(0, SHOWN_DIFFERENCES).map((d) => [d.request, d.field, cell(d.expected), cell(d.actual)]),
  );
  if (replay.difference_count > SHOWN_DIFFERENCES) writeLine(`… and ${replay.difference_count - SHOWN_DIFFERENCES} more (--json shows the first 1000)`);
}

function cell(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
