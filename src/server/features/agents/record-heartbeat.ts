/**
 * A heartbeat is the agent's account of its host: it registers the host, stores what
 * each instance's own probes answered (never what the control plane hoped), extends
 * each instance's version history, and lets go of removed instances the agent no
 * longer runs. Then the reconciler runs, so outcomes count at once.
 *
 * Only a heartbeat that can change what the loop decides wakes it: one that recorded or
 * deleted an instance, or the first from a host that was unknown or silent (drift and
 * statuses skip a silent host's instances until it reports again). With a hundred hosts
 * every few seconds, waking a whole-fleet pass for each unchanged report kept the loop,
 * and so the event loop, busy without pause; the loop's own timer still runs every pass.
 *
 * An instance reported exactly as stored is not written again: most heartbeats change
 * nothing, and this transaction is on the path from a finished goal to the next batch.
 * So `observed.at` is when the observation last changed (the API's `last_updated`); the
 * host's `last_heartbeat_at` says when the agent last spoke.
 */
import type { HeartbeatAck, HeartbeatReport, InstanceReport } from '../../../core/agent-protocol.js';
import type { GoalOutcome, Host, Instance, VersionProof } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { Caller } from '../shared/caller.js';
import type { ServerContext } from '../../server-context.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { callerEventIds } from '../shared/caller.js';
import { isHostSilent } from '../../../core/instances/instance-status.js';
import { recordStagingReports } from '../replays/staging-assignments.js';

export async function recordHeartbeat(ctx: ServerContext, host: string, report: HeartbeatReport, caller: Caller): Promise<HeartbeatAck> {
  const now = ctx.now();
  const wakeLoop = await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const before = await tx.getHost(host);
    const after = { host, address: report.address, agent_version: report.agent_version, last_heartbeat_at: now, kept_releases: report.kept_releases ?? {} };
    let changed = isHostSilent({ now, heartbeatS: ctx.timers.heartbeatS, hostLastHeartbeatAt: before?.last_heartbeat_at }) || !sameHostReport(before, after);
    await tx.upsertHost(after);
    const known = new Map((await tx.listInstances({ host })).map((i) => [i.instance_id, i]));
    const reported = new Set<string>();
    for (const item of report.instances) {
      const instance = known.get(item.instance_id);
      if (instance === undefined) continue;
      reported.add(item.instance_id);
      if (sameObservation(instance, item)) continue;
      await recordInstance(tx, instance, item, now, caller);
      changed = true;
    }
    for (const instance of known.values()) {
      if (instance.removed_at !== null && !reported.has(instance.instance_id)) {
        await tx.deleteInstance(instance.instance_id);
        changed = true;
      }
    }
    return changed;
  });
  // Staging instances are no instances of the service: their reports touch only their replay.
  if (report.staging !== undefined && report.staging.length > 0) await recordStagingReports(ctx.store, host, report.staging);
  if (wakeLoop) ctx.wake.reconcile();
  return { ok: true };
}

function sameHostReport(before: Host | undefined, after: Host): boolean {
  return before !== undefined && before.address === after.address && before.agent_version === after.agent_version && JSON.stringify(before.kept_releases) === JSON.stringify(after.kept_releases);
}

function sameObservation(instance: Instance, item: InstanceReport): boolean {
  const o = instance.observed;
  return (
    o !== null &&
    o.status === item.status &&
    o.version === item.version &&
    JSON.stringify(o.proof ?? null) === JSON.stringify(proofOf(item)) &&
    o.pid === item.pid &&
    o.achieved_generation === item.achieved_generation &&
    sameOutcome(o.outcome, item.outcome)
  );
}

/** The report's version proof, or null when an older agent sent none. */
function proofOf(item: InstanceReport): VersionProof | null {
  const source = item.version_source ?? null;
  const refusal = item.version_refusal ?? null;
  return source === null && refusal === null ? null : { source, refusal };
}

function sameOutcome(a: GoalOutcome | null, b: GoalOutcome | null): boolean {
  if (a === null || b === null) return a === b;
  return a.generation === b.generation && a.ok === b.ok && a.code === b.code && a.message === b.message && a.switched === b.switched;
}

async function recordInstance(tx: Store, instance: Instance, item: InstanceReport, now: number, caller: Caller): Promise<void> {
  await tx.recordObservation(instance.instance_id, {
    status: item.status,
    version: item.version,
    proof: proofOf(item),
    pid: item.pid,
    achieved_generation: item.achieved_generation,
    outcome: item.outcome,
    at: now,
  });
  if (item.version !== null) await tx.recordInstanceVersion(instance.instance_id, item.version, now);
  const before = instance.observed;
  // A removed instance's process ends because it was told to: its `instance_removed` event says so, not a crash.
  if (instance.removed_at !== null) return;
  if (before !== null && before.status !== item.status && (item.status === 'crashed' || before.status === 'crashed')) {
    await recordEvent(tx, {
      at: now,
      type: item.status === 'crashed' ? 'instance_crashed' : 'instance_recovered',
      service: instance.service,
      version: item.version ?? before.version,
      instance_id: instance.instance_id,
      deploy_id: null,
      actor: caller.actor,
      correlation_id: caller.correlationId,
      ...callerEventIds(caller),
      details: { pid: item.pid, status: item.status },
    });
  }
}
