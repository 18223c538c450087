/**
 * POST /api/v1/deployments: idempotent on `deploy_id`, registers the release on the fly
 * when the caller supplied its sha256 and package, otherwise requires it registered.
 * The body's names are checked once, first; then one transaction finds the service,
 * registers the release if asked, and builds and stores the operation, in that order.
 */
import { ConflictError, InputError, UnprocessableError } from '../../../core/errors.js';
import type { StartEventType } from '../../../core/events/operation-event-details.js';
import { checkServiceName, checkVersion } from '../../../core/names.js';
import { previewBatches } from '../../../core/operations/batch-preview.js';
import { firstFailure } from '../../../core/result.js';
import type { Operation, Release, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import type { GatedAction, GateRequest } from '../gates/gate-request.js';
import { appendStableRowIfWhole } from '../channels/channel-history-writer.js';
import { enforceReleaseGates, previewReleaseGates } from '../gates/release-gates.js';
import { buildOperationIn, inOperationTransaction, insertOperation, type OperationDraft } from '../operations/start-operation.js';
import { checkedPackage, registeredTwin, storeRelease } from '../releases/release-service.js';
import { requireService } from '../services/service-lookup.js';
import type { Caller } from '../shared/caller.js';
import type { DeploymentRequest } from './deployment-body.js';

/**
 * How a feature that deploys through here (channels) tells the gates what it is, adds to
 * the start events' details, and writes what belongs with the new operation in its
 * transaction (a channel history row, an audit event).
 */
export interface DeploymentOptions {
  /** `deploy` unless said otherwise: a channel deploy or a promotion to stable. */
  action?: GatedAction;
  details?: Record<string, unknown>;
  onCreated?: (tx: Store, operation: Operation, now: number) => Promise<void>;
  /** The reason on stable's history row of a whole-service deployment (a promotion's); null otherwise. */
  stableReason?: string | null;
}

export async function createDeployment(ctx: ServerContext, body: DeploymentRequest, caller: Caller, startEvents: StartEventType[] = ['deploy_started'], options: DeploymentOptions = {}): Promise<Operation> {
  checkNames(body);
  if (body.deploy_id !== undefined) {
    const existing = await ctx.store.getOperation(body.deploy_id);
    if (existing !== undefined) return sameDeploymentOrConflict(existing, body);
  }
  return inOperationTransaction(ctx, async (tx, now) => {
    const service = await requireService(tx, body.service);
    const release = await releaseToRegister(tx, body, now);
    // Registers it, or finds the identical one, or refuses a different package (409 release_immutable).
    if (release !== null) await storeRelease(tx, release, caller);
    const built = await buildOperationIn(ctx, tx, service, operationDraft(body), caller, now);
    await enforceReleaseGates(ctx, tx, gateRequest(body, service, built.operation.whole_service, options.action ?? 'deploy', caller, now));
    await insertOperation(tx, built, startEvents, caller, now, options.details);
    // Any whole-service deployment moves stable, so stable's history shows every one (CONTRACT §4 Channels).
    await appendStableRowIfWhole(tx, built.operation, options.stableReason ?? null, caller, now);
    await options.onCreated?.(tx, built.operation, now);
    return built.operation;
  });
}

/**
 * `"dry_run": true`: the batches the deployment would run and the instances each would
 * change, from the same core code and the same refusals (409 service_locked, 404, 422
 * release_not_registered, 422 frozen, 422 not_admitted), with nothing stored, no release
 * registered, no audit event (an override of a freeze passes it unaudited).
 */
export async function previewDeployment(ctx: ServerContext, body: DeploymentRequest, caller: Caller) {
  checkNames(body);
  const now = ctx.now();
  const release = await releaseToRegister(ctx.store, body, now);
  // The refusals of registering it (409 release_immutable), with nothing registered.
  if (release !== null) await registeredTwin(ctx.store, release);
  const service = await requireService(ctx.store, body.service);
  const { operation, targets } = await buildOperationIn(ctx, ctx.store, service, { ...operationDraft(body), id: body.deploy_id ?? 'dry-run' }, caller, now);
  // The same 422 frozen / not_admitted the real request would meet; it writes nothing.
  await previewReleaseGates(ctx, ctx.store, gateRequest(body, service, operation.whole_service, 'deploy', caller, now));
  return {
    dry_run: true,
    service: operation.service,
    version: operation.version,
    whole_service: operation.whole_service,
    strategy: operation.strategy,
    total: targets.length,
    batches: previewBatches(operation, targets),
  };
}

function gateRequest(body: DeploymentRequest, service: Service, wholeService: boolean, action: GatedAction, caller: Caller, now: number): GateRequest {
  return { service, version: body.version, wholeService, action, overrideFreeze: body.override_freeze, caller, now };
}

function checkNames(body: DeploymentRequest): void {
  const check = firstFailure(checkServiceName(body.service), checkVersion(body.version));
  if (!check.ok) throw new InputError(check.reason, check.message);
}

function operationDraft(body: DeploymentRequest): OperationDraft {
  return {
    ...(body.deploy_id !== undefined ? { id: body.deploy_id } : {}),
    kind: 'deploy',
    version: body.version,
    ...(body.instances !== undefined ? { instanceIds: body.instances } : {}),
    ...(body.strategy !== undefined ? { strategy: body.strategy } : {}),
    ...(body.timeout !== undefined ? { timeout_s: body.timeout } : {}),
    ...(body.retry_count !== undefined ? { retry_count: body.retry_count } : {}),
  };
}

function sameDeploymentOrConflict(existing: Operation, body: DeploymentRequest): Operation {
  if (existing.kind === 'deploy' && existing.service === body.service && existing.version === body.version) return existing;
  throw new ConflictError('deploy_id_conflict', `deploy_id ${existing.id} is already used by another operation (${existing.kind} of ${existing.service} ${existing.version ?? ''})`.trim());
}

/**
 * The release the body registers on the way (sha256 given), checked, or null when it
 * names a registered one; refuses what it cannot deploy.
 */
async function releaseToRegister(store: Store, body: DeploymentRequest, now: number): Promise<Release | null> {
  const release = await store.getRelease(body.service, body.version);
  if (body.sha256 === undefined) {
    if (release !== undefined) return null;
    throw new UnprocessableError('release_not_registered', `release ${body.service} ${body.version} is not registered; register it first (POST /api/v1/releases) or pass sha256 and package_url`, { service: body.service, version: body.version });
  }
  if (release === undefined && body.package_url === undefined) {
    throw new InputError('package_url_required', `release ${body.service} ${body.version} is not registered, so package_url is needed along with sha256`);
  }
  return checkedPackage({ service: body.service, version: body.version, sha256: body.sha256, package_url: body.package_url ?? release!.package_url }, now);
}
