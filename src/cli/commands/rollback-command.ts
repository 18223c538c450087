/**
 * `ferry rollback S [--to V] [--instance ID] [--wait]`: one command back to a known good
 * version. Whole service: POST /api/v1/services/S/rollback (the server defaults to the
 * previous desired version and may take over from an active deployment). One instance:
 * POST /api/v1/rollbacks/instance, whose target the CLI resolves the same way.
 */
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { usageFailure } from '../exit-codes.js';
import { progressDisplayFor } from '../progress-display.js';
import { requireSucceeded, waitForOperation } from '../wait-for-operation.js';

interface RollbackFlags extends ClientFlags {
  to?: string;
  instance?: string;
  reason?: string;
  wait?: boolean;
}

interface RollbackStarted {
  rollback_id: string;
  target_version: string | null;
  status: string;
}

export function registerRollbackCommand(program: Command): void {
  addClientOptions(
    program
      .command('rollback')
      .description("roll a service (or one instance) back, by default to the service's previous desired version")
      .argument('<service>')
      .option('--to <version>', 'the version to return to (default: the previous desired version)')
      .option('--instance <id>', 'roll back only this instance')
      .option('--reason <text>', 'why, recorded in the audit log (whole-service rollbacks)')
      .option('--wait', 'follow the rollback live; exit 1 unless it succeeds'),
  ).action(async (service: string, flags: RollbackFlags) => {
    const { client, json } = clientContext(flags);
    let started: RollbackStarted;
    if (flags.instance !== undefined) {
      const target = flags.to ?? (await previousVersion(client, service));
      started = await client.post<RollbackStarted>('/api/v1/rollbacks/instance', { instance_id: flags.instance, target_version: target });
    } else {
      const body = { ...(flags.to !== undefined ? { to_version: flags.to } : {}), ...(flags.reason !== undefined ? { reason: flags.reason } : {}) };
      started = await client.post<RollbackStarted>(`/api/v1/services/${encodeURIComponent(service)}/rollback`, body);
    }
    if (flags.wait !== true) {
      if (json) writeJson(started);
      else writeLine(started.rollback_id);
      return;
    }
    const op = { kind: 'rollback' as const, id: started.rollback_id };
    if (!json) writeLine(`rolling ${flags.instance ?? service} back to ${started.target_version ?? '?'}`);
    const { snapshot } = await waitForOperation(client, op, progressDisplayFor(json));
    if (json) writeJson(snapshot);
    requireSucceeded(snapshot);
  });
}

async function previousVersion(client: ApiClient, service: string): Promise<string> {
  const view = await client.get<{ previous_version: string | null }>(`/api/v1/services/${encodeURIComponent(service)}`);
  if (view.previous_version === null || view.previous_version === undefined) {
    throw usageFailure(`service ${service} has no previous version to roll back to; name one with --to VERSION`);
  }
  return view.previous_version;
}
