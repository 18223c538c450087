/**
 * Returning an isolated instance to service (CONTRACT §2): one transaction reads the
 * instance, its service and the active operation, lets the core decide, then clears the
 * isolation and records who released it.
 */
import { planRelease } from '../../../core/drift/plan-release.js';
import { refusalError } from '../../../core/errors.js';
import type { ServerContext } from '../../server-context.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { Caller } from '../shared/caller.js';
import { setIsolationTraffic } from '../../traffic/isolation-traffic.js';
import { activeOperationOf, requireInstance, requireService } from '../services/service-lookup.js';

export async function releaseInstance(ctx: ServerContext, instanceId: string, caller: Caller): Promise<{ service: string }> {
  const service = await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const instance = await requireInstance(tx, instanceId);
    const service = await requireService(tx, instance.service);
    const activeTarget = (await activeOperationOf(tx, service.name))?.targets.find((t) => t.instance_id === instanceId);
    const decided = planRelease({ instance, desiredVersion: service.desired_version, activeTarget, actor: caller.actor, now: ctx.now() });
    if (!decided.ok) throw refusalError(decided);
    await tx.setInstanceIsolation(instanceId, null);
    await setIsolationTraffic(tx, instanceId, false, ctx.now());
    if (decided.pin !== undefined) await tx.setInstancePin(instanceId, decided.pin);
    await recordEvent(tx, { ...decided.event, details: { ...decided.event.details, request_correlation_id: caller.correlationId } });
    return service.name;
  });
  ctx.wake.reconcile();
  return { service };
}
