/**
 * A restart: new processes on each instance's own version, never an upgrade (seed 000
 * R2). The core builds it like a deployment of `version: null`; a caller that names a
 * version is refused if any target runs another one, so "restart" cannot change what runs.
 */
import { InputError } from '../../../core/errors.js';
import type { Caller } from '../shared/caller.js';
import type { ServerContext } from '../../server-context.js';
import { buildOperationIn, inOperationTransaction, insertOperation, type BuiltOperation } from '../operations/start-operation.js';
import { requireService } from '../services/service-lookup.js';

export interface RestartRequest {
  service: string;
  instanceIds?: string[] | undefined;
  /** The version the caller believes runs; every target must run it. */
  expectedVersion?: string | undefined;
}

export async function createRestart(ctx: ServerContext, request: RestartRequest, caller: Caller): Promise<BuiltOperation> {
  return inOperationTransaction(ctx, async (tx, now) => {
    const service = await requireService(tx, request.service);
    const draft = { kind: 'restart' as const, version: null, ...(request.instanceIds ? { instanceIds: request.instanceIds } : {}) };
    const built = await buildOperationIn(ctx, tx, service, draft, caller, now);
    requireKeptVersions(built, request.expectedVersion);
    await insertOperation(tx, built, ['restart'], caller, now);
    return built;
  });
}

function requireKeptVersions(built: BuiltOperation, expected: string | undefined): void {
  const off = built.targets.find((t) => expected !== undefined && t.to_version !== expected);
  if (off) {
    throw new InputError('restart_changes_version', `restart keeps each instance's version, but ${off.instance_id} runs ${off.to_version ?? 'nothing'}, not ${expected}; use mode rollout to change versions`);
  }
}
