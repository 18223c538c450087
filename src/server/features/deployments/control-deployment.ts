/**
 * Pause, resume, promote and abort (CONTRACT §2 Deployments): one transaction reads the
 * deployment, lets the core decide, writes the change with its audit event and wakes
 * the reconcile loop, which carries it out.
 */
import { NotFoundError, refusalError } from '../../../core/errors.js';
import { controlOperation, type OperationControl } from '../../../core/operations/operation-controls.js';
import type { Operation } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { Caller } from '../shared/caller.js';

export async function controlDeployment(ctx: ServerContext, id: string, control: OperationControl, caller: Caller): Promise<Operation> {
  const now = ctx.now();
  const operation = await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const op = await tx.getOperation(id);
    if (op === undefined || op.kind === 'rollback') throw new NotFoundError('deployment_not_found', `deployment ${id} does not exist`, { deploy_id: id });
    const decision = controlOperation(op, control, caller.actor, now);
    if (!decision.ok) throw refusalError(decision);
    const { change } = decision;
    if (!change.changed) return op;
    const patch = { status: change.status, rollout: change.rollout, ...(change.reason ? { reason: change.reason } : {}), updated_at: now };
    await tx.updateOperation(id, patch);
    await recordEvent(tx, {
      at: now,
      type: change.event,
      service: op.service,
      version: op.version,
      instance_id: null,
      deploy_id: op.id,
      actor: caller.actor,
      correlation_id: caller.correlationId,
      trace_id: op.trace?.trace_id ?? null,
      request_id: caller.requestId ?? null,
      details: { kind: op.kind, control, from_status: op.status, to_status: change.status, steps_done: change.rollout.steps_done },
    });
    return { ...op, ...patch };
  });
  ctx.wake.reconcile();
  return operation;
}
