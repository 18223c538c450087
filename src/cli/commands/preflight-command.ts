/**
 * `ferry preflight S V [--json]` (CONTRACT §4): every reason a release of V of S would be
 * refused right now, as a table, before anyone tries. Exit 0 when nothing blocks, 1 when
 * something does, so a pipeline can ask first and deploy only on 0 (3 when the server
 * cannot be reached, as every client command).
 */
import type { Command } from 'commander';
import { writeJson, writeLine, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CliFailure, EXIT_FAILED } from '../exit-codes.js';

interface PreflightView {
  service: string;
  version: string;
  ok: boolean;
  checked_at: string;
  reasons: Array<{ gate: string; code: string; blocking: boolean; message: string }>;
}

export function registerPreflightCommand(program: Command): void {
  addClientOptions(
    program
      .command('preflight')
      .description('every reason a release of the version would be refused now (readiness, freeze, lock, hosts without the package, silent agents, P0 alerts)')
      .argument('<service>')
      .argument('<version>'),
  ).action(async (service: string, version: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const view = await client.get<PreflightView>(`/api/v1/releases/${encodeURIComponent(service)}/${encodeURIComponent(version)}/preflight`);
    if (json) writeJson(view);
    else writeReport(view);
    if (!view.ok) {
      const blocking = view.reasons.filter((r) => r.blocking).length;
      throw new CliFailure(`${blocking} ${blocking === 1 ? 'reason' : 'reasons'} to refuse ${view.version} of ${view.service} now`, EXIT_FAILED);
    }
  });
}

function writeReport(view: PreflightView): void {
  if (view.reasons.length === 0) return writeLine(`no reason to refuse ${view.version} of ${view.service} now`);
  writeTable(
    ['GATE', 'CODE', 'BLOCKING', 'MESSAGE'],
    view.reasons.map((r) => [r.gate, r.code, r.blocking ? 'yes' : 'no', r.message]),
  );
  if (view.ok) writeLine(`nothing blocks ${view.version} of ${view.service} now (the reasons above are advice)`);
}
