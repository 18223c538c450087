/**
 * `ferry channel list|set|promote|rollback` (CONTRACT §4 Channels): what each channel runs,
 * a version onto a channel's instances, a channel's version promoted to stable once it has
 * soaked, and the emergency rollback of a channel. `--json` prints the API's body; a
 * refusal exits 4 when it may pass later (422 frozen, a held lock, a promotion_refused whose
 * every reason is the soak, an alert or admission) and 2 when it cannot as asked (a
 * promotion_refused for the same version or an empty channel, 400 reason_required, 404
 * channel_not_found).
 */
import type { Command } from 'commander';
import { writeJson, writeLine, writeNote, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { progressDisplayFor } from '../progress-display.js';
import { requireSucceeded, waitForOperation } from '../wait-for-operation.js';
import { reportDeployment } from './deploy-command.js';

interface ChannelView {
  name: string;
  version: string | null;
  instances: string[];
  updated_at: string | null;
  soak_started_at: string | null;
  history: Array<{ version: string; at: string; actor: string; reason: string | null }>;
}

interface ChangeFlags extends ClientFlags {
  reason?: string;
  overrideFreeze?: string;
  wait?: boolean;
}

const channelsPath = (service: string) => `/api/v1/services/${encodeURIComponent(service)}/channels`;
const overrideOf = (flags: ChangeFlags) => (flags.overrideFreeze !== undefined ? { override_freeze: { reason: flags.overrideFreeze } } : {});

export function registerChannelCommands(program: Command): void {
  const channel = program.command('channel').description('release channels of a service: stable (its desired version), canary and declared ones');

  addClientOptions(channel.command('list').description("each channel's version, instances, soak start and latest change").argument('<service>')).action(async (service: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const view = await client.get<{ channels: ChannelView[] }>(channelsPath(service));
    if (json) return writeJson(view);
    writeTable(
      ['CHANNEL', 'VERSION', 'INSTANCES', 'SOAKING SINCE', 'LAST CHANGE', 'BY', 'REASON'],
      view.channels.map((c) => [c.name, c.version, c.instances.join(',') || '-', c.soak_started_at, c.history[0]?.at, c.history[0]?.actor, c.history[0]?.reason]),
    );
  });

  addClientOptions(
    channel
      .command('set')
      .description("deploy a version to a channel's instances only (pins them); stable moves only by promote")
      .argument('<service>')
      .argument('<channel>')
      .argument('<version>')
      .option('--reason <text>', 'why, kept in the channel history')
      .option('--override-freeze <reason>', 'pass a freeze window covering the service; the reason is audited')
      .option('--wait', 'follow the deployment live; exit 1 unless it succeeds'),
  ).action(async (service: string, name: string, version: string, flags: ChangeFlags) => {
    const context = clientContext(flags);
    const body = { version, ...(flags.reason !== undefined ? { reason: flags.reason } : {}), ...overrideOf(flags) };
    const started = await context.client.post<{ deploy_id: string; instances: string[] }>(`${channelsPath(service)}/${encodeURIComponent(name)}/deploy`, body);
    writeNote(`deploying ${service} ${version} to channel ${name}: ${started.instances.join(', ')}`);
    await reportDeployment(context, started, flags.wait === true);
  });

  addClientOptions(
    channel
      .command('promote')
      .description("make a channel's version stable: a whole-service rolling deployment, once it soaked with no P0/P1 alert (and is admitted when readiness is enforced)")
      .argument('<service>')
      .option('--from <channel>', 'the channel whose version is promoted', 'canary')
      .option('--to <channel>', 'the channel promoted to (stable only)', 'stable')
      .requiredOption('--reason <text>', 'why, audited with you as the actor')
      .option('--override-freeze <reason>', 'pass a freeze window covering the service; the reason is audited')
      .option('--wait', 'follow the deployment live; exit 1 unless it succeeds'),
  ).action(async (service: string, flags: ChangeFlags & { from: string; to: string }) => {
    const context = clientContext(flags);
    const body = { from: flags.from, to: flags.to, reason: flags.reason, ...overrideOf(flags) };
    const started = await context.client.post<{ deploy_id: string; version: string | null }>(`${channelsPath(service)}/promote`, body);
    writeNote(`promoting ${service} ${started.version ?? '?'} from ${flags.from} to ${flags.to}`);
    await reportDeployment(context, started, flags.wait === true);
  });

  addClientOptions(
    channel
      .command('rollback')
      .description("emergency rollback of a channel: stable rolls the whole service back, another channel its own instances; never frozen, no soak or readiness")
      .argument('<service>')
      .requiredOption('--channel <channel>', 'the channel to roll back')
      .requiredOption('--to <version>', 'the version to return to')
      .requiredOption('--reason <text>', 'why, audited with you as the actor')
      .option('--wait', 'follow the rollback live; exit 1 unless it succeeds'),
  ).action(async (service: string, flags: ChangeFlags & { channel: string; to: string }) => {
    const { client, json } = clientContext(flags);
    const started = await client.post<{ rollback_id: string }>(`${channelsPath(service)}/${encodeURIComponent(flags.channel)}/rollback`, { to_version: flags.to, reason: flags.reason });
    const said = `rolling channel ${flags.channel} of ${service} back to ${flags.to}`;
    if (flags.wait !== true) {
      if (json) writeJson(started);
      else writeLine(started.rollback_id);
      writeNote(said);
      return;
    }
    if (json) writeNote(said);
    else writeLine(said);
    const { snapshot } = await waitForOperation(client, { kind: 'rollback', id: started.rollback_id }, progressDisplayFor(json));
    if (json) writeJson(snapshot);
    requireSucceeded(snapshot);
  });
}
