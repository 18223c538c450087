/**
 * `ferry readiness S V` (CONTRACT §4): evaluates the release's admission now and prints the
 * verdict; exit 0 when admitted, 1 when not, so a pipeline can stop before it deploys.
 */
import type { Command } from 'commander';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CliFailure, EXIT_FAILED } from '../exit-codes.js';
import { readinessLines, type ReadinessView } from '../readiness-views.js';

export function registerReadinessCommand(program: Command): void {
  addClientOptions(
    program.command('readiness').description('evaluate whether a release is admitted; exit 0 admitted, 1 not').argument('<service>').argument('<version>'),
  ).action(async (service: string, version: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const verdict = (await client.send<ReadinessView>('POST', `/api/v1/releases/${encodeURIComponent(service)}/${encodeURIComponent(version)}/readiness/evaluate`, {})).body;
    if (json) writeJson(verdict);
    else for (const line of readinessLines(verdict)) writeLine(line);
    if (!verdict.admitted) throw new CliFailure('', EXIT_FAILED);
  });
}
