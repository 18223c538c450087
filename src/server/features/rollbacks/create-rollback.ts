/**
 * Rollbacks reuse the operation lifecycle with kind `rollback`: every target at once,
 * no canary steps or pauses, no automatic revert of the rollback itself. The one-click
 * service rollback may preempt an active deployment: it aborts it and takes the lock.
 */
import { InputError, UnprocessableError } from '../../../core/errors.js';
import { chooseRollbackTarget, type RollbackTargetReason } from '../../../core/rollbacks/rollback-target.js';
import { refusalError } from '../../../core/errors.js';
import { checkPackageUrl, checkServiceName, checkVersion } from '../../../core/names.js';
import { firstFailure } from '../../../core/result.js';
import type { Operation, Reason, StrategySpec } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { applyOperationPlan } from '../../reconciler/apply-operation-plan.js';
import { appendStableRowIfWhole } from '../channels/channel-history-writer.js';
import { buildOperationIn, inOperationTransaction, insertOperation } from '../operations/start-operation.js';
import type { Caller } from '../shared/caller.js';
import { hostsWithoutRelease } from '../../../core/rollbacks/rollback-source.js';
import { liveInstances, requireService } from '../services/service-lookup.js';
import { packageUnreachable } from './package-reachability.js';
import { planPreemption } from '../../../core/rollbacks/plan-preemption.js';

export interface RollbackInput {
  service: string;
  target_version: string;
  instances?: string[] | undefined;
  package_url?: string | undefined;
  /** The operator's reason, on stable's history row when the rollback is of the whole service. */
  reason?: string | null | undefined;
  /** Its deadlines, instead of the service's strategy (a triggered rollback bounds them by ROLLBACK_MAX_MINUTES). */
  strategy?: StrategySpec | undefined;
  /** Why it was started, as the rollback's own `reason` (a triggered rollback's trigger); none for a person's. */
  startReason?: Reason | undefined;
}

/** `onCreated` writes what belongs with the new rollback in its transaction (a channel rollback's history row and audit event). */
export async function rollBack(
  ctx: ServerContext,
  input: RollbackInput,
  caller: Caller,
  preempt = false,
  details: Record<string, unknown> = {},
  onCreated?: (tx: Store, operation: Operation, now: number) => Promise<void>,
): Promise<Operation> {
  const check = firstFailure(checkServiceName(input.service), checkVersion(input.target_version), input.package_url ? checkPackageUrl(input.package_url) : { ok: true });
  if (!check.ok) throw new InputError(check.reason, check.message);
  await requireReachableTarget(ctx, input);
  const operation = await inOperationTransaction(ctx, async (tx, now) => {
    const service = await requireService(tx, input.service);
    await requireRelease(tx, input.service, input.target_version);
    if (preempt) await abortActiveDeployment(tx, input.service, caller, now);
    const draft = {
      kind: 'rollback' as const,
      version: input.target_version,
      ...(input.instances !== undefined ? { instanceIds: input.instances } : {}),
      ...(input.strategy !== undefined ? { strategy: input.strategy } : {}),
    };
    const built = await buildOperationIn(ctx, tx, service, draft, caller, now);
    if (input.startReason !== undefined) built.operation.reason = input.startReason;
    await insertOperation(tx, built, ['rollback'], caller, now, details);
    // A whole-service rollback moves stable: its history row, once, whoever asked for it.
    await appendStableRowIfWhole(tx, built.operation, input.reason?.trim() || null, caller, now);
    await onCreated?.(tx, built.operation, now);
    return built.operation;
  });
  return operation;
}

/**
 * The one-click rollback: to `to_version`, else the last known-good version, chosen by
 * the core from the service and its latest operation (rollback-target.ts). Read before
 * the transaction: a deployment racing in between meets the rollback's preemption, and
 * the audit event records which target was chosen and why.
 */
export async function rollBackService(
  ctx: ServerContext,
  name: string,
  body: { to_version?: string | undefined; reason?: string | undefined },
  caller: Caller,
): Promise<{ operation: Operation; targetReason: RollbackTargetReason }> {
  const service = await requireService(ctx.store, name);
  const [latestOperation] = await ctx.store.listOperations({ service: name, limit: 1 });
  const chosen = chooseRollbackTarget({ service: name, versions: service, latestOperation, toVersion: body.to_version });
  if (!chosen.ok) throw refusalError(chosen);
  const details = { target_reason: chosen.reason, ...(body.reason ? { reason: body.reason } : {}) };
  const operation = await rollBack(ctx, { service: name, target_version: chosen.target, reason: body.reason }, caller, true, details);
  return { operation, targetReason: chosen.reason };
}

/**
 * Before touching anything: every host involved keeps the target release, or its package
 * can still be downloaded (seed 000 R6). Checked outside the transaction, since it may
 * ask the network; the agent verifies sha256 on whatever it downloads.
 */
async function requireReachableTarget(ctx: ServerContext, input: RollbackInput): Promise<void> {
  const release = await ctx.store.getRelease(input.service, input.target_version);
  if (release === undefined) return; // refused with release_not_registered inside the transaction
  const [instances, hosts] = await Promise.all([liveInstances(ctx.store, input.service), ctx.store.listHosts()]);
  const involved = input.instances === undefined ? instances : instances.filter((i) => input.instances!.includes(i.instance_id));
  const missing = hostsWithoutRelease(involved, hosts, input.service, input.target_version);
  if (missing.length === 0) return;
  const packageUrl = input.package_url ?? release.package_url;
  const unreachable = await packageUnreachable(packageUrl);
  if (unreachable === null) return;
  throw new UnprocessableError(
    'rollback_target_unavailable',
    `cannot roll ${input.service} back to ${input.target_version}: hosts ${missing.join(', ')} do not keep it and ${unreachable}`,
    { service: input.service, version: input.target_version, hosts_without_release: missing, package_url: packageUrl },
  );
}

async function requireRelease(tx: Store, service: string, version: string): Promise<void> {
  if ((await tx.getRelease(service, version)) !== undefined) return;
  throw new UnprocessableError('release_not_registered', `release ${service} ${version} is not registered, so there is nothing verified to roll back to`, { service, version });
}

/** Ends the service's active deployment as the core's preemption plan says; the rollback's goals supersede its in-flight work. */
async function abortActiveDeployment(tx: Store, service: string, caller: Caller, now: number): Promise<void> {
  const [active] = await tx.listOperations({ service, activeOnly: true, limit: 1 });
  const targets = active === undefined ? [] : await tx.listTargets(active.id);
  const traffic = (await tx.getService(service))?.traffic != null;
  const plan = planPreemption({ active, targets, actor: caller.actor, correlationId: caller.correlationId, requestId: caller.requestId ?? null, now, traffic });
  if (active !== undefined && plan !== null) await applyOperationPlan(tx, active, plan, now);
}
