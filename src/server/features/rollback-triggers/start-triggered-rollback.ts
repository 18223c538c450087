/**
 * Starts the rollback a trigger decided on: the one-click rollback's own code
 * (rollbacks/create-rollback.ts) to the release's previous version, as
 * `ferry:rollback-trigger`, with the trigger's reason on the rollback, in its `rollback`
 * audit event and (through the operation's actor) in the P0 alert it raises.
 *
 * Unlike a person's one-click rollback it never preempts: an operation running on the
 * service means someone already acts (409 service_locked, and the watch ends with that
 * operation). And the rollback is created only while the watched deployment is still the
 * service's latest operation, checked in the transaction that creates it, so a deployment
 * that landed between the decision and the rollback is never rolled back by a stale verdict.
 */
import { ConflictError } from '../../../core/errors.js';
import type { TriggerReason } from '../../../core/rollback-triggers/decide-rollback-trigger.js';
import { triggeredRollbackStrategy } from '../../../core/rollback-triggers/triggered-rollback-strategy.js';
import { ROLLBACK_TRIGGER_ACTOR, type WatchedRelease } from '../../../core/rollback-triggers/watched-release.js';
import type { Operation, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { rollBack } from '../rollbacks/create-rollback.js';

export async function startTriggeredRollback(ctx: ServerContext, service: Service, release: WatchedRelease, reason: TriggerReason, correlationId: string, rollbackMaxMinutes: number): Promise<Operation> {
  const caller = { actor: ROLLBACK_TRIGGER_ACTOR, correlationId };
  const details = {
    target_reason: 'previous_version',
    trigger: reason.trigger,
    reason: reason.message,
    rolled_back_deploy_id: release.deploy_id,
    rollback_max_minutes: rollbackMaxMinutes,
  };
  const input = {
    service: service.name,
    target_version: release.previous_version,
    reason: reason.message,
    strategy: triggeredRollbackStrategy(service.strategy, rollbackMaxMinutes),
    startReason: reason,
  };
  return rollBack(ctx, input, caller, false, details, (tx, operation) => requireStillLatest(tx, operation, release));
}

/** Throwing here undoes the whole transaction: the rollback is never stored. */
async function requireStillLatest(tx: Store, rollback: Operation, release: WatchedRelease): Promise<void> {
  const recent = await tx.listOperations({ service: release.service, limit: 3 });
  const before = recent.find((op) => op.id !== rollback.id);
  if (before?.id === release.deploy_id) return;
  throw new ConflictError('release_superseded', `deployment ${release.deploy_id} of ${release.service} is no longer the latest operation (${before?.id ?? 'none'} is): its trigger is void`, {
    deploy_id: release.deploy_id,
  });
}
