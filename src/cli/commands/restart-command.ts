/**
 * `ferry restart S [--instances a,b] [--wait]`: new processes on the same versions
 * (POST /api/v1/vm/rebootstrap with mode "restart"). A restart never changes a version
 * (DESIGN invariant 2); it runs as a deployment, so it is followed like one.
 */
import type { Command } from 'commander';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { commaList } from '../option-values.js';
import { reportDeployment } from './deploy-command.js';

interface RestartFlags extends ClientFlags {
  instances?: string[];
  wait?: boolean;
}

export function registerRestartCommand(program: Command): void {
  addClientOptions(
    program
      .command('restart')
      .description("restart a service's instances without changing their versions")
      .argument('<service>')
      .option('--instances <ids>', 'comma-separated instance ids (default: every instance)', commaList)
      .option('--wait', 'follow the restart live; exit 1 unless it succeeds'),
  ).action(async (service: string, flags: RestartFlags) => {
    const context = clientContext(flags);
    const body = { service, mode: 'restart', ...(flags.instances !== undefined ? { instances: flags.instances } : {}) };
    const started = await context.client.post<{ deploy_id: string }>('/api/v1/vm/rebootstrap', body);
    await reportDeployment(context, started, flags.wait === true);
  });
}
