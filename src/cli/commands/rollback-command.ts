/**
 * `ferry rollback S [--to V] [--instance ID] [--wait]`: one command back to a known good
 * version. Whole service: POST /api/v1/services/S/rollback (the server chooses the last
 * known-good version, says why in `target_reason`, and may take over from an active
 * deployment). One instance: POST /api/v1/rollbacks/instance, whose target the CLI
 * resolves first (instance-rollback-target.ts) and refuses when it would move forward.
 */
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { writeJson, writeLine, writeNote } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { usageFailure } from '../exit-codes.js';
import { instanceRollbackTarget } from '../instance-rollback-target.js';
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
  target_reason?: string;
}

/** Why the server's one-click rollback chose its target (CONTRACT §2 `target_reason`). */
const REASON_TEXT: Record<string, string> = {
  active_deployment: 'the desired version: a deployment that never became desired has instances on another version',
  previous_version: 'the previous desired version',
  to_version: 'as asked with --to',
};

export function registerRollbackCommand(program: Command): void {
  addClientOptions(
    program
      .command('rollback')
      .description('roll a service (or one instance) back to the last known-good version (the desired version while a deployment never became desired, else the previous one), or to --to')
      .argument('<service>')
      .option('--to <version>', 'the version to return to (default: the desired version while a deployment that never became desired is active or failed in place, else the previous desired version)')
      .option('--instance <id>', 'roll back only this instance; without --to, a target newer than what it runs is refused')
      .option('--reason <text>', 'why, recorded in the audit log (whole-service rollbacks)')
      .option('--wait', 'follow the rollback live; exit 1 unless it succeeds'),
  ).action(async (service: string, flags: RollbackFlags) => {
    const { client, json } = clientContext(flags);
    let started: RollbackStarted;
    let why: string;
    if (flags.instance !== undefined) {
      const chosen = flags.to !== undefined ? { target: flags.to, why: REASON_TEXT.to_version! } : await instanceTarget(client, service, flags.instance);
      started = await client.post<RollbackStarted>('/api/v1/rollbacks/instance', { instance_id: flags.instance, target_version: chosen.target });
      why = chosen.why;
    } else {
      const body = { ...(flags.to !== undefined ? { to_version: flags.to } : {}), ...(flags.reason !== undefined ? { reason: flags.reason } : {}) };
      started = await client.post<RollbackStarted>(`/api/v1/services/${encodeURIComponent(service)}/rollback`, body);
      why = REASON_TEXT[started.target_reason ?? ''] ?? started.target_reason ?? 'as the server chose';
    }
    const said = `rolling ${flags.instance ?? service} back to ${started.target_version ?? '?'} (${why})`;
    if (flags.wait !== true) {
      // The id alone on stdout, so a script can capture it; the target and why on stderr.
      if (json) writeJson(started);
      else writeLine(started.rollback_id);
      writeNote(said);
      return;
    }
    const op = { kind: 'rollback' as const, id: started.rollback_id };
    if (json) writeNote(said);
    else writeLine(said);
    const { snapshot } = await waitForOperation(client, op, progressDisplayFor(json));
    if (json) writeJson(snapshot);
    requireSucceeded(snapshot);
  });
}

/** Resolved and checked before any rollback is asked for, so a refusal changes nothing. */
async function instanceTarget(client: ApiClient, service: string, instanceId: string): Promise<{ target: string; why: string }> {
  const name = encodeURIComponent(service);
  const [view, listed] = await Promise.all([
    client.get<{ desired_version: string | null; previous_version: string | null }>(`/api/v1/services/${name}`),
    client.get<{ instances: Array<{ instance_id: string; version: string | null }> }>(`/api/v1/services/${name}/instances`),
  ]);
  const instance = listed.instances.find((i) => i.instance_id === instanceId);
  if (instance === undefined) throw usageFailure(`instance ${instanceId} is not an instance of service ${service}`);
  const chosen = instanceRollbackTarget({ instanceId, running: instance.version, desired: view.desired_version ?? null, previous: view.previous_version ?? null });
  if (!chosen.ok) throw usageFailure(chosen.message);
  return chosen;
}
