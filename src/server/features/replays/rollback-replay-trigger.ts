/**
 * Replay after rollback (CONTRACT §4): when a rollback of a service with `replay` (and
 * `replay_after_rollback` not false) completes, the instances it returned are held out of
 * session allocation and a `rollback` replay of them is recorded; the replay worker runs
 * it (run-rollback-replay.ts) and lifts the hold when it passes. Listens to committed
 * `rollback_completed` events, so it runs where the reconciler committed (the leader). The
 * replay id is derived from the rollback's id, so hearing an event twice holds once. A
 * deployment that later succeeds lifts the holds of the instances it replaced.
 */
import { eventOf, type RecordedEvent } from '../../../core/events/event-catalogue.js';
import type { Replay } from '../../../core/replay/replay-record.js';
import type { Operation, OperationTarget } from '../../../core/types.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { replayEnvelope } from './start-replay.js';
import { REPLAY_ACTOR } from './run-replay.js';

/** Subscribes to the context's events; returns the unsubscribe. */
export function listenForRollbacks(ctx: ServerContext): () => void {
  return ctx.events.subscribe(async (event: RecordedEvent) => {
    if (event.deploy_id === null) return;
    const operationId = event.deploy_id;
    if (event.type === 'rollback_completed') {
      await holdReturnedInstances(ctx, operationId).catch((err: unknown) => ctx.log.error({ err, operation_id: operationId }, 'cannot start the replay after a rollback'));
    } else if (event.type === 'deploy_completed') {
      await releaseRedeployed(ctx, operationId).catch((err: unknown) => ctx.log.error({ err, operation_id: operationId }, 'cannot lift the replay holds of redeployed instances'));
    }
  });
}

/** Holds the instances operation `operationId` returned and records their replay; a no-op when the service has no replay after rollback. */
export async function holdReturnedInstances(ctx: ServerContext, operationId: string): Promise<Replay | undefined> {
  const op = await ctx.store.getOperation(operationId);
  if (op === undefined) return undefined;
  const service = await ctx.store.getService(op.service);
  if (service?.replay == null || service.replay_after_rollback === false) return undefined;
  const returned = returnedInstances(op, await ctx.store.listTargets(op.id));
  if (returned.instances.length === 0 || returned.version === null) return undefined;
  const replayId = `rp-rb-${op.id}`;
  if ((await ctx.store.getReplay(replayId)) !== undefined) return undefined;
  const now = ctx.now();
  const replay = rollbackReplay(replayId, op, returned.version, returned.instances, now);
  const caller = { actor: REPLAY_ACTOR, correlationId: op.correlation_id };
  await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    await tx.insertReplay(replay);
    await tx.setReplayHold(replay.instances, { replay_id: replayId, failed: false, since: now });
    await recordEvent(tx, eventOf('replay_started', replayEnvelope(replay, caller, now), { replay_id: replayId, purpose: 'rollback', baseline_version: returned.version, requests: 0, staging_host: null, instances: replay.instances }));
  });
  return replay;
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
  const held = instances.filter((i) => i?.replay_hold != null).map((i) => i!.instance_id);
  if (held.length > 0) await ctx.store.setReplayHold(held, null);
}

/**
 * A rollback operation returned all its targets to its version; a deployment rolled back
 * automatically returned the targets it had changed to their previous versions.
 */
function returnedInstances(op: Operation, targets: OperationTarget[]): { instances: string[]; version: string | null } {
  if (op.kind === 'rollback') return { instances: targets.map((t) => t.instance_id).sort(), version: op.version };
  const changed = targets.filter((t) => t.changed && t.from_version !== null);
  return { instances: changed.map((t) => t.instance_id).sort(), version: changed[0]?.from_version ?? null };
}

function rollbackReplay(replayId: string, op: Operation, version: string, instances: string[], now: number): Replay {
  return {
    replay_id: replayId,
    service: op.service,
    version,
    baseline_version: version,
    purpose: 'rollback',
    instances,
    status: 'running',
    passed: null,
    requests: 0,
    difference_count: 0,
    differences: [],
    noise_filtered: 0,
    noise_fields: [],
    noise_filtering: null,
    reason: null,
    staging: null,
    answers: null,
    actor: REPLAY_ACTOR,
    correlation_id: op.correlation_id,
    started_at: now,
    completed_at: null,
  };
}
