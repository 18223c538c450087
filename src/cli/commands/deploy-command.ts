/**
 * `ferry deploy S V`: start a deployment (POST /api/v1/deployments) and, with --wait,
 * follow it live (wait-for-operation.ts) to the end; exit 1 unless it succeeded. A
 * canary step waiting for promotion does not end the wait: it prints how to continue.
 * The controls of a running deployment are in deployment-control-command.ts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags, type ClientContext } from '../client-options.js';
import { usageFailure } from '../exit-codes.js';
import { commaList, integerAtLeast } from '../option-values.js';
import { resolvePackageReference } from '../package-reference.js';
import { parseStrategy } from '../strategy-shorthand.js';
import { progressDisplayFor } from '../progress-display.js';
import { requireSucceeded, waitForOperation } from '../wait-for-operation.js';

interface DeployFlags extends ClientFlags {
  instances?: string[];
  strategy?: string;
  timeout?: number;
  retryCount?: number;
  deployId?: string;
  packageUrl?: string;
  sha256?: string;
  wait?: boolean;
  dryRun?: boolean;
  overrideFreeze?: string;
}

interface DryRunAnswer {
  service: string;
  version: string;
  total: number;
  strategy: unknown;
  batches: Array<{
    batch: number;
    canary_step: number | null;
    instances: Array<{ instance_id: string; from_version: string | null; to_version: string | null }>;
    pause_after: 'until_promoted' | { pause_s: number } | null;
  }>;
}

const STRATEGY_HELP = `
Strategies (--strategy; default: the service's strategy, else {"type":"rolling","batch_percent":25},
a quarter of the instances at a time and at least one):
  all_at_once   every instance at once
  rolling:N     at most N instances at a time (rolling:P% for a share of them)
  canary:N      N instances (canary:P% for a share), paused until \`ferry promote\`, then the rest
  canary        one step of RELEASE_CANARY_RATIO (default 0.1) of the instances, a pause of
                RELEASE_CANARY_DURATION_MIN (default 30) minutes, then the rest`;

/** --override-freeze: the reason is what the audit keeps, so it cannot be blank. */
function overrideReason(raw: string): string {
  if (raw.trim() === '') throw new InvalidArgumentError('--override-freeze needs a reason, e.g. --override-freeze "hotfix for INC-42"');
  return raw.trim();
}

export function registerDeployCommands(program: Command): void {
  addClientOptions(
    program
      .command('deploy')
      .description('deploy a registered release to a service, or to some of its instances')
      .argument('<service>')
      .argument('<version>')
      .option('--instances <ids>', 'comma-separated instance ids (default: every instance, which also sets the desired version)', commaList)
      .option('--strategy <strategy>', 'all_at_once, rolling:N, rolling:P%, canary:N, canary:P%, canary, or the JSON strategy object (see below)')
      .option('--timeout <seconds>', 'per-instance deadline to become healthy', integerAtLeast(1))
      .option('--retry-count <n>', 'retries of a failed install or start per instance', integerAtLeast(0))
      .option('--deploy-id <id>', 'idempotency key: re-posting it returns the existing deployment')
      .option('--package-url <url>', 'package URL or local path, to register the release on the fly (with --sha256)')
      .option('--sha256 <hex>', "the package's sha256, when registering on the fly")
      .option('--wait', 'follow the deployment live; exit 1 unless it succeeds')
      .option('--dry-run', 'show the batches and the instances each would change; change nothing')
      .option('--override-freeze <reason>', 'deploy although a freeze window covers the service; the reason is audited (freeze_overridden)', overrideReason),
  )
    .addHelpText('after', STRATEGY_HELP)
    .action(async (service: string, version: string, flags: DeployFlags) => {
    const context = clientContext(flags);
    const strategy = flags.strategy === undefined ? undefined : parseStrategy(flags.strategy);
    if (strategy !== undefined && !strategy.ok) throw usageFailure(strategy.message);
    const reference = flags.packageUrl === undefined ? undefined : resolvePackageReference(flags.packageUrl, flags.sha256, false);
    const body = {
      service,
      version,
      ...(flags.instances !== undefined ? { instances: flags.instances } : {}),
      ...(strategy?.ok ? { strategy: strategy.strategy } : {}),
      ...(flags.timeout !== undefined ? { timeout: flags.timeout } : {}),
      ...(flags.retryCount !== undefined ? { retry_count: flags.retryCount } : {}),
      ...(flags.deployId !== undefined ? { deploy_id: flags.deployId } : {}),
      ...(reference !== undefined ? { package_url: reference.package_url } : {}),
      ...(reference?.sha256 !== undefined ? { sha256: reference.sha256 } : flags.sha256 !== undefined ? { sha256: flags.sha256 } : {}),
      ...(flags.overrideFreeze !== undefined ? { override_freeze: { reason: flags.overrideFreeze } } : {}),
    };
    if (flags.dryRun === true) {
      const plan = await context.client.post<DryRunAnswer>('/api/v1/deployments', { ...body, dry_run: true });
      if (context.json) return writeJson(plan);
      for (const line of dryRunLines(plan)) writeLine(line);
      return;
    }
    const started = await context.client.post<{ deploy_id: string; status: string }>('/api/v1/deployments', body);
    await reportDeployment(context, started, flags.wait === true);
  });
}

/**
 * One line per batch, in the order the planner starts them:
 *   batch 1 (canary step 1): web-h1-7001 1.0.0 → 1.1.0; then pause until promoted
 */
function dryRunLines(plan: DryRunAnswer): string[] {
  const lines = [`dry run: deploy ${plan.service} ${plan.version} to ${plan.total} instance(s) in ${plan.batches.length} batch(es), strategy ${JSON.stringify(plan.strategy)}; nothing changed`];
  for (const b of plan.batches) {
    const step = b.canary_step === null ? '' : ` (canary step ${b.canary_step})`;
    const instances = b.instances.map((i) => `${i.instance_id} ${i.from_version ?? '-'} → ${i.to_version ?? '-'}`).join(', ');
    const pause = b.pause_after === null ? '' : b.pause_after === 'until_promoted' ? '; then pause until promoted' : `; then pause ${b.pause_after.pause_s}s`;
    lines.push(`  batch ${b.batch}${step}: ${instances}${pause}`);
  }
  return lines;
}

/**
 * Without --wait: the deploy_id alone on stdout (or the API's body with --json), so a
 * script can capture it. With --wait: live progress, then exit 1 unless it succeeded;
 * with --json the progress goes to stderr and the final deployment to stdout.
 * Shared by `deploy` and `restart`, since a restart is a deployment (CONTRACT §2).
 */
export async function reportDeployment(context: ClientContext, started: { deploy_id: string }, wait: boolean): Promise<void> {
  if (!wait) {
    if (context.json) writeJson(started);
    else writeLine(started.deploy_id);
    return;
  }
  const op = { kind: 'deployment' as const, id: started.deploy_id };
  const { snapshot } = await waitForOperation(context.client, op, progressDisplayFor(context.json));
  if (context.json) writeJson(snapshot);
  requireSucceeded(snapshot);
}
