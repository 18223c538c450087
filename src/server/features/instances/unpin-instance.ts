/**
 * Returning a pinned instance to the desired version (`ferry unpin`): one transaction
 * reads the instance, its service and the lock holder, lets the core decide, clears the
 * pin, sets the new goal and records `instance_unpinned`. The agent is woken so the
 * desired version goes on at once; drift handling takes over once the goal is achieved.
 */
import { planUnpin } from '../../../core/instances/plan-unpin.js';
import { refusalError } from '../../../core/errors.js';
import type { ServerContext } from '../../server-context.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { Caller } from '../shared/caller.js';
import { requireInstance, requireService } from '../services/service-lookup.js';
import { callerEventIds } from '../shared/caller.js';

export interface UnpinOutcome {
  instance_id: string;
  service: string;
  /** The pin that was cleared; null when the instance was not pinned (nothing changed). */
  cleared_pin: string | null;
  /** The version the instance now runs toward: the desired version, else what it ran. */
  target_version: string | null;
  unpinned: boolean;
}

export async function unpinInstance(ctx: ServerContext, instanceId: string, caller: Caller): Promise<UnpinOutcome> {
  const now = ctx.now();
  const outcome = await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const instance = await requireInstance(tx, instanceId);
    const service = await requireService(tx, instance.service);
    const [active] = await tx.listOperations({ service: service.name, activeOnly: true, limit: 1 });
    const decided = planUnpin({ instance, desiredVersion: service.desired_version, activeOperation: active });
    if (!decided.ok) throw refusalError(decided);
    const target = decided.goal?.version ?? instance.goal.version;
    const result = { instance_id: instanceId, service: service.name, cleared_pin: decided.clearedPin, target_version: target, unpinned: decided.clearedPin !== null };
    if (decided.clearedPin === null) return { result, host: null };
    await tx.setInstancePin(instanceId, null);
    if (decided.goal !== null) await tx.setInstanceGoal(instanceId, decided.goal);
    await recordEvent(tx, {
      at: now,
      type: 'instance_unpinned',
      service: service.name,
      version: target,
      instance_id: instanceId,
      deploy_id: null,
      actor: caller.actor,
      correlation_id: caller.correlationId,
      ...callerEventIds(caller),
      details: { pinned_version: decided.clearedPin, desired_version: service.desired_version, new_goal: decided.goal !== null },
    });
    return { result, host: instance.host };
  });
  if (outcome.host !== null) ctx.wake.hosts(new Set([outcome.host]));
  ctx.wake.reconcile();
  return outcome.result;
}
