/**
 * `ferry release-instance ID`: returns an instance that drift handling quarantined or
 * marked unhealthy to service (POST /api/v1/instances/{id}/release). The server refuses
 * (exit 2) while the instance still answers the wrong version, naming both versions.
 */
import type { Command } from 'commander';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';

export function registerReleaseInstanceCommand(program: Command): void {
  addClientOptions(
    program
      .command('release-instance')
      .description('return a quarantined or unhealthy-marked instance to service once it runs the right version')
      .argument('<instance_id>'),
  ).action(async (instanceId: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const answer = await client.post<{ instance_id: string; service: string; status: string | null; version: string | null }>(
      `/api/v1/instances/${encodeURIComponent(instanceId)}/release`,
      {},
    );
    if (json) return writeJson(answer);
    writeLine(`released ${answer.instance_id} (${answer.service}): ${answer.status ?? 'unknown'} on ${answer.version ?? 'no version'}`);
  });
}
