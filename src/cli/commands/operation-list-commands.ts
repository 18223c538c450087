/**
 * `ferry deployments [S]` and `ferry rollbacks [S]`: recent operations, newest first
 * (GET /api/v1/deployments?service=&limit=, GET /api/v1/rollbacks?service=&limit=), so an
 * operator can find the id to `ferry status ID --watch`. Restarts are deployments.
 */
import type { Command } from 'commander';
import { writeJson, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { integerAtLeast } from '../option-values.js';
import type { OperationSummary } from '../operation-snapshot.js';


interface ListFlags extends ClientFlags {
  limit?: number;
}

const DEFAULT_LIMIT = 20;

export function registerOperationListCommands(program: Command): void {
  for (const kind of ['deployments', 'rollbacks'] as const) {
    addClientOptions(
      program
        .command(kind)
        .description(kind === 'deployments' ? 'recent deployments and restarts, newest first' : 'recent rollbacks, newest first')
        .argument('[service]', 'only this service')
        .option('--limit <n>', `at most this many (default ${DEFAULT_LIMIT})`, integerAtLeast(1)),
    ).action(async (service: string | undefined, flags: ListFlags) => {
      const { client, json } = clientContext(flags);
      const view = await client.get<Record<string, OperationSummary[]>>(`/api/v1/${kind}`, { service, limit: flags.limit ?? DEFAULT_LIMIT });
      if (json) return writeJson(view);
      const rows = view[kind] ?? [];
      const now = Date.now();
      writeTable(
        ['ID', 'SERVICE', kind === 'deployments' ? 'VERSION' : 'TARGET', 'STATUS', 'ACTOR', 'STARTED', 'DURATION'],
        rows.map((op) => [
          op.deploy_id ?? op.rollback_id,
          op.service,
          kind === 'deployments' && op.kind === 'restart' ? `${op.version ?? '-'} (restart)` : (op.version ?? op.target_version),
          op.status,
          op.actor,
          op.started_at,
          durationText(op.started_at, op.completed_at, now),
        ]),
      );
    });
  }
}

/**
 * How long an operation took, or has run so far (then followed by `…`).
 *   ('…T00:00:00Z', '…T00:00:42Z')   → "42s"
 *   ('…T00:00:00Z', '…T00:03:05Z')   → "3m05s"
 *   ('…T00:00:00Z', '…T02:00:00Z')   → "2h00m"
 *   ('…T00:00:00Z', null, now+7s)    → "7s…"
 */
export function durationText(startedAt: string | null | undefined, completedAt: string | null | undefined, now: number): string | null {
  if (!startedAt) return null;
  const end = completedAt ? Date.parse(completedAt) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(startedAt)) / 1000));
  const text = seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
  return completedAt ? text : `${text}…`;
}
