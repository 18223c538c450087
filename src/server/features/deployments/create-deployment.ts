/**
 * POST /api/v1/deployments: idempotent on `deploy_id`, registers the release on the fly
 * when the caller supplied its sha256 and package, otherwise requires it registered.
 */
import type { Static } from '@sinclair/typebox';
import { ConflictError, InputError, UnprocessableError } from '../../../core/errors.js';
import { checkServiceName, checkVersion } from '../../../core/names.js';
import { firstFailure } from '../../../core/result.js';
import type { Operation } from '../../../core/types.js';
import type { StartEventType } from '../../../core/events/operation-event-details.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { previewBatches } from '../../../core/operations/batch-preview.js';
import { previewOperation, startOperation, type StartOperationInput } from '../operations/start-operation.js';
import { checkReleaseRegistration, registerRelease, type Caller, type ReleaseInput } from '../releases/release-service.js';
import type { DeploymentBody } from './deployment-routes.js';

export async function createDeployment(ctx: ServerContext, body: Static<typeof DeploymentBody>, caller: Caller, startEvents: StartEventType[] = ['deploy_started']): Promise<Operation> {
  checkNames(body);
  if (body.deploy_id !== undefined) {
    const existing = await ctx.store.getOperation(body.deploy_id);
    if (existing !== undefined) return sameDeploymentOrConflict(existing, body);
  }
  const { operation } = await startOperation(ctx, { ...operationInput(body, startEvents), before: (tx) => ensureRelease(ctx, tx, body, caller) }, caller);
  return operation;
}

/**
 * `"dry_run": true`: the batches the deployment would run and the instances each would
 * change, from the same core code and the same refusals (409 service_locked, 404, 422
 * release_not_registered), with nothing stored, no release registered, no audit event.
 */
export async function previewDeployment(ctx: ServerContext, body: Static<typeof DeploymentBody>, caller: Caller) {
  checkNames(body);
  await checkRelease(ctx, body);
  const { operation, targets } = await previewOperation(ctx, { ...operationInput(body, []), id: body.deploy_id ?? 'dry-run' }, caller);
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

function checkNames(body: Static<typeof DeploymentBody>): void {
  const check = firstFailure(checkServiceName(body.service), checkVersion(body.version));
  if (!check.ok) throw new InputError(check.reason, check.message);
}

function operationInput(body: Static<typeof DeploymentBody>, startEvents: StartEventType[]): StartOperationInput {
  return {
    ...(body.deploy_id !== undefined ? { id: body.deploy_id } : {}),
    kind: 'deploy',
    service: body.service,
    version: body.version,
    ...(body.instances !== undefined ? { instanceIds: body.instances } : {}),
    ...(body.strategy !== undefined ? { strategy: body.strategy } : {}),
    ...(body.timeout !== undefined ? { timeout_s: body.timeout } : {}),
    ...(body.retry_count !== undefined ? { retry_count: body.retry_count } : {}),
    startEvents,
  };
}

function sameDeploymentOrConflict(existing: Operation, body: Static<typeof DeploymentBody>): Operation {
  if (existing.kind === 'deploy' && existing.service === body.service && existing.version === body.version) return existing;
  throw new ConflictError('deploy_id_conflict', `deploy_id ${existing.id} is already used by another operation (${existing.kind} of ${existing.service} ${existing.version ?? ''})`.trim());
}

async function ensureRelease(ctx: ServerContext, tx: Store, body: Static<typeof DeploymentBody>, caller: Caller): Promise<void> {
  const input = await releaseToRegister(tx, body);
  // Registers it, or finds the identical one, or refuses a different package (409 release_immutable).
  if (input !== null) await registerRelease(ctx, input, caller, tx);
}

/** The same refusals as ensureRelease, with nothing registered: what a dry run answers. */
async function checkRelease(ctx: ServerContext, body: Static<typeof DeploymentBody>): Promise<void> {
  const input = await releaseToRegister(ctx.store, body);
  if (input !== null) await checkReleaseRegistration(ctx.store, input, ctx.now());
}

/** The release the body registers on the way (sha256 given), or null when it names a registered one; refuses what it cannot deploy. */
async function releaseToRegister(store: Store, body: Static<typeof DeploymentBody>): Promise<ReleaseInput | null> {
  const release = await store.getRelease(body.service, body.version);
  if (body.sha256 === undefined) {
    if (release !== undefined) return null;
    throw new UnprocessableError('release_not_registered', `release ${body.service} ${body.version} is not registered; register it first (POST /api/v1/releases) or pass sha256 and package_url`, { service: body.service, version: body.version });
  }
  if (release === undefined && body.package_url === undefined) {
    throw new InputError('package_url_required', `release ${body.service} ${body.version} is not registered, so package_url is needed along with sha256`);
  }
  return { service: body.service, version: body.version, sha256: body.sha256, package_url: body.package_url ?? release!.package_url };
}
