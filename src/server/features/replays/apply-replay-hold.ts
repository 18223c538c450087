/**
 * The hold after a rollback, applied inside the transaction that ends the operation
 * (called from reconciler/apply-operation-plan.ts): core/replay/rollback-hold.ts decides,
 * this writes the `rollback` replay row, the holds and `replay_started`; and the end of a
 * deployment that succeeded lifts the holds of the instances it changed, in its own
 * transaction likewise. Being in that
 * transaction is the point: the returned instances never take a session between the
 * rollback's end and their hold, and a crash cannot lose the hold. The replay worker
 * picks the running replay up on its next turn.
 */
import { eventOf } from '../../../core/events/event-catalogue.js';
import type { OperationPlan } from '../../../core/operations/operation-plan.js';
import { decideRollbackHold, instancesReleasedBy, REPLAY_ACTOR } from '../../../core/replay/rollback-hold.js';
import type { Operation } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { recordEvent } from '../../events/record-event.js';
import { replayEnvelope } from './replay-envelope.js';

/**
 * Call after the plan's target and operation changes are written; a no-op unless the plan
 * ends a rollback (holds) or a deployment that succeeded (lifts the holds of what it changed).
 */
export async function applyReplayHold(tx: Store, operation: Operation, ending: OperationPlan['operation'], now: number): Promise<void> {
  if (ending === null || !ending.completed) return;
  const service = await tx.getService(operation.service);
  if (service === undefined) return;
  const targets = await tx.listTargets(operation.id);
  await liftHolds(tx, instancesReleasedBy(operation, { status: ending.status, completed: true }, targets));
  const decision = decideRollbackHold({ operation, ending: { status: ending.status, completed: true }, targets, service, now });
  if (decision === null || (await tx.getReplay(decision.replay.replay_id)) !== undefined) return;
  const { replay, hold } = decision;
  await tx.insertReplay(replay);
  await tx.setReplayHold(replay.instances, hold);
  const caller = { actor: REPLAY_ACTOR, correlationId: operation.correlation_id };
  await recordEvent(
    tx,
    eventOf('replay_started', replayEnvelope(replay, caller, now), { replay_id: replay.replay_id, purpose: 'rollback', baseline_version: replay.version, requests: 0, staging_host: null, instances: replay.instances }),
  );
}

/** Lifts each instance's hold only if it is still the one just read, so a hold set since is kept. */
async function liftHolds(tx: Store, instanceIds: string[]): Promise<void> {
  for (const id of instanceIds) {
    const hold = (await tx.getInstance(id))?.replay_hold ?? null;
    if (hold !== null) await tx.setReplayHold([id], null, { onlyIfReplayId: hold.replay_id });
  }
}
