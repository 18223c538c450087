/**
 * `POST /api/v1/releases/{service}/{version}/replay`: checks everything a replay needs
 * before anything is written (the release, the service's `replay` spec and its requests,
 * what to compare with, the staging host), then records the run as `running` with its
 * staging entry wanted on the host. The replay worker does the rest.
 *
 * What to compare with is core's plan (core/replay/replay-plan.ts): a ready instance of
 * the desired version, or, for a service with no desired version yet (its first release),
 * nothing: the run is recorded with `baseline_version: null` and judges the candidate alone.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, UnprocessableError } from '../../../core/errors.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import { planReleaseReplay } from '../../../core/replay/replay-plan.js';
import { runningReplay, type Replay } from '../../../core/replay/replay-record.js';
import type { Service } from '../../../core/types.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import type { Store } from '../../../store/store.js';
import type { Caller } from '../shared/caller.js';
import { requireRelease } from '../releases/release-service.js';
import { liveInstances, requireService } from '../services/service-lookup.js';
import { requireReplayRequests } from './replay-requests-source.js';
import { readyInstancesOn } from './stable-instances.js';
import { replayEnvelope } from './replay-envelope.js';

export { replayEnvelope };

export async function startReplay(ctx: ServerContext, serviceName: string, version: string, caller: Caller): Promise<Replay> {
  const service = await requireService(ctx.store, serviceName);
  const release = await requireRelease(ctx.store, serviceName, version);
  if (service.replay === null) throw new UnprocessableError('replay_not_configured', `service ${serviceName} has no replay spec; set "replay" with PUT /api/v1/services/${serviceName}`, { service: serviceName });
  const requests = await requireReplayRequests(service.replay);
  const stable = await readyInstancesOn(ctx, service);
  const plan = planReleaseReplay({ service: serviceName, desired_version: service.desired_version, ready_on_desired: stable.length });
  if (plan.kind === 'refused') throw new UnprocessableError(plan.code, plan.message, { service: serviceName, desired_version: service.desired_version });
  const host = await stagingHost(ctx, service);
  const replay = newReplay(service, version, plan.baseline_version, host, requests.length, caller, ctx.now());
  await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    // One release replay per service at a time: each one makes a staging instance wanted at once.
    await refuseWhileRunning(tx, serviceName);
    await tx.insertReplay(replay);
    await recordEvent(
      tx,
      eventOf('replay_started', replayEnvelope(replay, caller, ctx.now()), { replay_id: replay.replay_id, purpose: 'release', baseline_version: plan.baseline_version, requests: requests.length, staging_host: host, instances: stable.map((s) => s.instance_id) }),
    );
  });
  ctx.wake.hosts([host]);
  return replay;
}

/** 409 `replay_running`, naming it, while a release replay of the service runs (a rollback's replay uses no staging instance). */
async function refuseWhileRunning(store: Store, service: string): Promise<void> {
  const running = (await store.listReplays({ service, status: 'running', limit: 100 })).find((r) => r.purpose === 'release');
  if (running === undefined) return;
  throw new ConflictError('replay_running', `replay ${running.replay_id} of ${service} ${running.version} is still running; start another once it has a verdict`, { service, replay_id: running.replay_id, version: running.version });
}

/** `replay.host` when it is a known agent host, else the host of the service's first instance. */
async function stagingHost(ctx: ServerContext, service: Service): Promise<string> {
  const named = service.replay?.host;
  if (named !== undefined) {
    if ((await ctx.store.getHost(named)) === undefined) throw new UnprocessableError('replay_host_unknown', `replay.host ${named} is not a host any agent registered`, { host: named });
    return named;
  }
  const [first] = (await liveInstances(ctx.store, service.name)).sort((a, b) => (a.instance_id < b.instance_id ? -1 : 1));
  if (first === undefined) throw new UnprocessableError('replay_needs_stable', `service ${service.name} has no instance, so no host to run the staging instance on`, { service: service.name });
  return first.host;
}

function newReplay(service: Service, version: string, baselineVersion: string | null, host: string, requests: number, caller: Caller, now: number): Replay {
  return runningReplay({
    replay_id: `rp-${randomUUID()}`,
    service: service.name,
    version,
    baseline_version: baselineVersion,
    purpose: 'release',
    instances: [],
    requests,
    staging: { host, wanted: true, port: null, status: 'pending', reason: null },
    actor: caller.actor,
    correlation_id: caller.correlationId,
    started_at: now,
  });
}
