/**
 * What committed operation events mean for replay holds. The hold after a rollback is
 * not set here: it is written in the transaction that ends the rollback
 * (apply-replay-hold.ts), and the replay worker (replay-worker.ts) runs the replay it
 * recorded. Here a deployment that later succeeds lifts the holds of the instances it
 * replaced; it listens to committed `deploy_completed` events, so it runs where the
 * reconciler committed (the leader).
 */
import type { RecordedEvent } from '../../../core/events/event-catalogue.js';
import type { ServerContext } from '../../server-context.js';

/** Subscribes to the context's events; returns the unsubscribe. */
export function listenForRollbacks(ctx: ServerContext): () => void {
  return ctx.events.subscribe(async (event: RecordedEvent) => {
    if (event.deploy_id === null || event.type !== 'deploy_completed') return;
    const operationId = event.deploy_id;
    await releaseRedeployed(ctx, operationId).catch((err: unknown) => ctx.log.error({ err, operation_id: operationId }, 'cannot lift the replay holds of redeployed instances'));
  });
}

/**
 * A deployment that succeeded replaced the processes of the instances it changed with a
 * verified release: a hold on them (even a failed one) no longer says anything about what
 * they run, so it is lifted, as the operation alerts resolve once a later operation succeeds.
 */
async function releaseRedeployed(ctx: ServerContext, operationId: string): Promise<void> {
  // A restart keeps each instance's version: it proves nothing a replay did not.
  if ((await ctx.store.getOperation(operationId))?.kind !== 'deploy') return;
  const targets = await ctx.store.listTargets(operationId);
  const instances = await Promise.all(targets.filter((t) => t.changed).map((t) => ctx.store.getInstance(t.instance_id)));
  // Each hold is lifted only if it is still the one read, so a hold set since is kept.
  for (const instance of instances) {
    const hold = instance?.replay_hold ?? null;
    if (instance !== undefined && hold !== null) await ctx.store.setReplayHold([instance.instance_id], null, { onlyIfReplayId: hold.replay_id });
  }
}
