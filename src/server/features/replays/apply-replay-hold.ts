/**
 * The hold after a rollback, applied inside the transaction that ends the operation
 * (called from reconciler/apply-operation-plan.ts): core/replay/rollback-hold.ts decides,
 * this writes the `rollback` replay row, the holds and `replay_started`. Being in that
 * transaction is the point: the returned instances never take a session between the
 * rollback's end and their hold, and a crash cannot lose the hold. The replay worker
 * picks the running replay up on its next turn.
 */
import { eventOf } from '../../../core/events/event-catalogue.js';
import type { OperationPlan } from '../../../core/operations/operation-plan.js';
import { decideRollbackHold, REPLAY_ACTOR } from '../../../core/replay/rollback-hold.js';
import type { Operation } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { recordEvent } from '../../events/record-event.js';
import { replayEnvelope } from './replay-envelope.js';

/** Call after the plan's target and operation changes are written; a no-op unless the plan ends a rollback. */
export async function applyReplayHold(tx: Store, operation: Operation, ending: OperationPlan['operation'], now: number): Promise<void> {
  if (ending === null || !ending.completed) return;
  const service = await tx.getService(operation.service);
  if (service === undefined) return;
  const decision = decideRollbackHold({ operation, ending: { status: ending.status, completed: true }, targets: await tx.listTargets(operation.id), service, now });
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
