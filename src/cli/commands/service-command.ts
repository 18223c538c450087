/**
 * `ferry service put|get` and `ferry services`: declare a service (how to start it,
 * where its instances run) and read back what the server holds, desired and previous
 * version and the lock included.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { writeJson, writeLine, writeNote, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { confirm, stdinIsTerminal } from '../confirm-prompt.js';
import { CliFailure, EXIT_FAILED, usageFailure } from '../exit-codes.js';
import { servicePlanLines, type ServicePlanView } from '../service-plan-lines.js';
import { collect, integerAtLeast } from '../option-values.js';
import { buildServiceSpec, type ServiceSpecFlags } from '../service-spec.js';
import { parseStrategy } from '../strategy-shorthand.js';

interface ServicePutFlags extends ClientFlags, Omit<ServiceSpecFlags, 'strategy' | 'noInstances'> {
  spec?: string;
  strategy?: string;
  /** False when `--no-instances` was given (commander's negated option). */
  instances?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

interface ServiceLock {
  deploy_id?: string;
  rollback_id?: string;
  kind?: string;
  status?: string;
  since?: string;
}

interface ServiceView {
  service: string;
  start?: string;
  desired_version: string | null;
  previous_version: string | null;
  lock: ServiceLock | null;
  instances?: Array<{ instance_id: string; host: string; port: number }>;
  instance_counts?: Record<string, number>;
  drift_count?: number;
}

export function registerServiceCommands(program: Command): void {
  const service = program.command('service').description('declare and inspect services');
  addClientOptions(
    service
      .command('put')
      .description('create or replace a service (PUT /api/v1/services/S)')
      .argument('<service>')
      .option('--spec <file>', 'JSON file with the PUT body; flags override its fields')
      .option('--start <command>', 'command run inside the release directory (the agent sets PORT)')
      .option('--instance <host:port>', 'an instance on an agent host, repeatable', collect)
      .option('--no-instances', 'declare the service with no instances: stops and removes every instance')
      .option('--health-path <path>', 'readiness path, any 2xx is ready (default /healthz)')
      .option('--version-path <path>', 'version probe path (default /version)')
      .option('--version-check <type>', 'how agents prove the running version: http (the default), process (the listener on the port, from /proc) or command')
      .option('--version-field <dotted.path>', 'with http: the JSON field that holds the version (default version)')
      .option('--version-header <name>', 'with http: a response header that holds the version, instead of a JSON field')
      .option('--version-command <argv>', 'with command: run in the release directory, its output must contain the version, e.g. "bin/app --version"')
      .option('--env <key=value>', 'environment for the instances, repeatable', collect)
      .option('--keep-releases <n>', 'releases each agent keeps on disk (default 5)', integerAtLeast(1))
      .option('--drain-s <seconds>', 'drain time before an instance is stopped', integerAtLeast(0))
      .addOption(new Option('--drift-policy <policy>', 'what to do with a drifted instance').choices(['rebuild', 'quarantine', 'mark_unhealthy']))
      .option('--strategy <strategy>', "the service's default rollout strategy (JSON or all_at_once, rolling:N, canary:N)")
      .option('--oncall <who>', "who is paged for this service's alerts (default: the server's FERRY_DEFAULT_ONCALL)")
      .option('--runbook <alert=url>', 'runbook URL for one alert, e.g. DeploymentRolledBack=https://…, repeatable', collect)
      .option('--dry-run', 'show what the PUT would change (instances added and removed, settings changed) and change nothing')
      .option('--yes', 'apply without asking, removals included (needed in scripts when the PUT removes instances)'),
  )
    .addHelpText('after', PUT_HELP)
    .action(async (name: string, flags: ServicePutFlags) => {
    const { client, json } = clientContext(flags);
    const { strategy: strategyText, spec, instances, dryRun, yes, ...specFlags } = flags;
    const strategy = strategyText === undefined ? undefined : parseStrategy(strategyText);
    if (strategy !== undefined && !strategy.ok) throw usageFailure(strategy.message);
    const built = buildServiceSpec(
      { ...specFlags, noInstances: instances === false, ...(strategy?.ok ? { strategy: strategy.strategy } : {}) },
      spec === undefined ? {} : readSpecFile(spec),
    );
    if (!built.ok) throw usageFailure(built.message);
    const path = `/api/v1/services/${encodeURIComponent(name)}`;
    if (dryRun === true || yes !== true) {
      const dry = await client.put<{ plan: ServicePlanView; warnings: string[] }>(`${path}?dry_run=true`, built.body);
      if (dryRun === true) {
        if (json) return writeJson(dry);
        for (const line of servicePlanLines(dry.plan)) writeLine(line);
        for (const warning of dry.warnings) writeNote(`warning: ${warning}`);
        return;
      }
      await requireConsent(dry.plan, json);
    }
    const answer = await client.put<ServiceView & { plan?: ServicePlanView; warnings?: string[] }>(path, built.body);
    for (const warning of answer.warnings ?? []) writeNote(`warning: ${warning}`);
    if (json) return writeJson(answer);
    writeLine(`service ${answer.service ?? name} saved with ${built.body.instances.length} instance(s)${appliedSummary(answer.plan)}`);
  });

  addClientOptions(service.command('get').description('show one service').argument('<service>')).action(async (name: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const answer = await client.get<ServiceView>(`/api/v1/services/${encodeURIComponent(name)}`);
    if (json) return writeJson(answer);
    printService(answer);
  });

  addClientOptions(program.command('services').description('list services with their desired version and instance counts')).action(async (flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const answer = await client.get<{ services: ServiceView[] }>('/api/v1/services');
    if (json) return writeJson(answer);
    writeTable(
      ['SERVICE', 'DESIRED', 'PREVIOUS', 'INSTANCES', 'DRIFTED', 'LOCK'],
      answer.services.map((s) => [s.service, s.desired_version, s.previous_version, s.instance_counts?.total, s.drift_count, lockText(s.lock)]),
    );
  });
}

const PUT_HELP = `
A PUT replaces the instance list: an instance not listed is drained and stopped. Before it
changes an existing service, put shows the plan (instances added and removed, settings
changed) and on a terminal asks "Apply? [y/N]" (a new service is created without asking);
--yes applies without asking. When stdin is not a
terminal, a plan that removes instances is refused (exit 2) unless --yes is given; a plan
that removes none is applied without asking. --dry-run shows the plan and changes nothing.`;

/**
 * Nothing is removed without a person's yes: asked on a terminal, --yes in a script.
 * A plan that removes nothing applies in a script unasked; a declined plan exits 1 with nothing changed.
 * Declaring a new service is never asked about: there is nothing to lose.
 */
async function requireConsent(plan: ServicePlanView, json: boolean): Promise<void> {
  const show = json ? writeNote : writeLine;
  if (!stdinIsTerminal()) {
    if (plan.removed.length === 0) return;
    const ids = plan.removed.map((r) => r.instance_id).join(', ');
    throw usageFailure(`this would remove ${plan.removed.length} instance(s) of ${plan.service} (${ids}); pass --yes to apply it, or --dry-run to see the whole plan`);
  }
  // Nothing to lose in creating a service or in a PUT that changes nothing: no question.
  if (!plan.changes || plan.creates_service) return;
  for (const line of servicePlanLines(plan)) show(line);
  for (const warning of plan.warnings) writeNote(`warning: ${warning}`);
  if (!(await confirm('Apply? [y/N]'))) throw new CliFailure('not applied; nothing changed', EXIT_FAILED);
}

/** `: 1 added, 2 removed, 1 setting changed`, or '' when nothing changed. */
function appliedSummary(plan: ServicePlanView | undefined): string {
  if (plan === undefined || !plan.changes || plan.creates_service) return '';
  const parts = [
    plan.added.length > 0 ? `${plan.added.length} added` : '',
    plan.removed.length > 0 ? `${plan.removed.length} removed (${plan.removed.map((r) => r.instance_id).join(', ')})` : '',
    plan.settings.length > 0 ? `${plan.settings.length} setting(s) changed` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}

function readSpecFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw usageFailure(`cannot read --spec ${path}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw usageFailure(`--spec ${path} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

function printService(view: ServiceView): void {
  const counts = Object.entries(view.instance_counts ?? {})
    .filter(([key, count]) => key !== 'total' && count > 0)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
  writeLine(`service ${view.service}`);
  writeLine(`  start             ${view.start ?? '-'}`);
  writeLine(`  desired version   ${view.desired_version ?? '-'}`);
  writeLine(`  previous version  ${view.previous_version ?? '-'}`);
  writeLine(`  lock              ${lockText(view.lock) ?? 'none'}`);
  writeLine(`  instances         ${view.instance_counts?.total ?? view.instances?.length ?? 0}${counts ? ` (${counts})` : ''}`);
  if (view.drift_count) writeLine(`  drifted           ${view.drift_count}`);
  if (view.instances?.length) {
    writeLine();
    writeTable(['INSTANCE', 'HOST', 'PORT'], view.instances.map((i) => [i.instance_id, i.host, i.port]));
  }
}

function lockText(lock: ServiceLock | null): string | null {
  if (lock === null) return null;
  return `${lock.kind ?? 'operation'} ${lock.deploy_id ?? lock.rollback_id ?? '?'} ${lock.status ?? ''}`.trim();
}
