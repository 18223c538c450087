/**
 * `ferry unpin ID`: returns a pinned instance to the service's desired version
 * (DELETE /api/v1/instances/{id}/pin). Refused (exit 2) while an operation holds the
 * service lock; an instance that is not pinned is left as it is (exit 0).
 */
import type { Command } from 'commander';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';

interface UnpinAnswer {
  instance_id: string;
  service: string;
  cleared_pin: string | null;
  target_version: string | null;
  unpinned: boolean;
}

export function registerUnpinCommand(program: Command): void {
  addClientOptions(
    program
      .command('unpin')
      .description('return a pinned instance to the desired version (clears the pin a partial deployment or rollback set)')
      .argument('<instance_id>'),
  ).action(async (instanceId: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const { body } = await client.send<UnpinAnswer>('DELETE', `/api/v1/instances/${encodeURIComponent(instanceId)}/pin`);
    if (json) return writeJson(body);
    if (!body.unpinned) return writeLine(`${body.instance_id} is not pinned; nothing changed`);
    writeLine(`unpinned ${body.instance_id} (${body.service}, was pinned to ${body.cleared_pin}); it now runs toward ${body.target_version ?? 'no version'}`);
  });
}
