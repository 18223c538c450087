/** `ferry alerts`: the control plane's alerts (CONTRACT §3), newest first; the API's body with --json. */
import { Option, type Command } from 'commander';
import { ALERT_SEVERITIES, ALERT_STATES } from '../../core/alerts/alert-types.js';
import { writeJson, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { integerAtLeast } from '../option-values.js';

interface AlertsFlags extends ClientFlags {
  state?: string;
  service?: string;
  severity?: string;
  limit?: number;
}

interface AlertView {
  name: string;
  severity: string;
  state: string;
  service: string;
  summary: string;
  current_version: string | null;
  oncall: string | null;
  started_at: string;
  resolved_at: string | null;
}

export function registerAlertsCommand(program: Command): void {
  addClientOptions(
    program
      .command('alerts')
      .description('alerts, newest first: firing ones and those resolved')
      .addOption(new Option('--state <state>', 'only firing or only resolved alerts').choices(ALERT_STATES))
      .option('--service <name>', 'only this service')
      .addOption(new Option('--severity <severity>', 'only this severity').choices(ALERT_SEVERITIES))
      .option('--limit <n>', 'at most this many alerts', integerAtLeast(1)),
  ).action(async (flags: AlertsFlags) => {
    const { client, json } = clientContext(flags);
    const view = await client.get<{ alerts: AlertView[] }>('/api/v1/alerts', { state: flags.state, service: flags.service, severity: flags.severity, limit: flags.limit });
    if (json) return writeJson(view);
    writeTable(
      ['SEVERITY', 'ALERT', 'STATE', 'SERVICE', 'VERSION', 'ONCALL', 'STARTED', 'RESOLVED', 'SUMMARY'],
      view.alerts.map((a) => [a.severity, a.name, a.state, a.service, a.current_version, a.oncall, a.started_at, a.resolved_at, a.summary]),
    );
  });
}
