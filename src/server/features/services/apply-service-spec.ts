/**
 * Declaring a service: the core plans what the PUT changes (plan-service-change.ts), then
 * one transaction stores the spec and applies the plan. An instance
 * added to a service that already has a desired version gets that version as its goal
 * at once (the agent deploys it), decided by the core (plan-initial-goals.ts) and written
 * by the same applier as every plan; an instance removed is marked removed, so its agent
 * drains and stops it and the row goes once the agent stops reporting it.
 */
import { ConflictError, InputError } from '../../../core/errors.js';
import { checkHostId, instanceIdFor } from '../../../core/names.js';
import { NO_GOAL, planInitialGoals } from '../../../core/services/plan-initial-goals.js';
import { planServiceChange, type PlannedInstance, type ServicePlan, type ServiceSettings } from '../../../core/services/plan-service-change.js';
import type { Instance, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { callerEventIds, type Caller } from '../shared/caller.js';
import type { ServerContext } from '../../server-context.js';
import { eventOf, type EventDetails } from '../../../core/events/event-catalogue.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { applyPlan } from '../../reconciler/apply-operation-plan.js';
import type { ServiceSpec } from './service-body.js';
import { assertReplayFileReadable } from '../replays/replay-requests-source.js';
import { checkTrafficDeclaration } from '../../../core/traffic/check-traffic-declaration.js';
import { drainRemovedInstance } from '../../traffic/isolation-traffic.js';
import { checkRollbackTriggers } from '../../../core/rollback-triggers/check-rollback-triggers.js';
import { checkSmokeChains } from '../../../core/smoke/check-smoke-chains.js';

export const DEFAULT_KEEP_RELEASES = 5;

/** What a PUT of `spec` would change, written nowhere (`?dry_run=true`): the same checks as a real PUT. */
export async function planServiceSpec(ctx: ServerContext, name: string, spec: ServiceSpec): Promise<ServicePlan> {
  await assertReplayFileReadable(spec.replay);
  return (await loadPlan(ctx.store, name, spec)).plan;
}

/** Applies `spec` in one transaction and returns the plan it applied; every instance it adds or removes is audited. */
export async function applyServiceSpec(ctx: ServerContext, name: string, spec: ServiceSpec, caller: Caller): Promise<ServicePlan> {
  // Read outside the transaction: a file read must not hold the store, and a bad file writes nothing.
  await assertReplayFileReadable(spec.replay);
  const now = ctx.now();
  const touchedHosts = new Set<string>();
  const plan = await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const { plan, existing, rows } = await loadPlan(tx, name, spec);
    await tx.putService(serviceFromSpec(name, spec, existing, now));
    const event = eventFactory(tx, name, caller, now);
    const desired = existing?.desired_version ?? null;
    for (const { host, port, instance_id: id } of plan.added) {
      // A row still draining from an earlier removal gives way to the new instance.
      if (rows.has(id)) await tx.deleteInstance(id);
      await tx.insertInstance(newInstance(id, name, host, port, now));
      touchedHosts.add(host);
      await event('instance_added', id, desired, { host, port });
    }
    await applyPlan(tx, { service: name, operation: null }, planInitialGoals(plan.added, desired), now);
    for (const removed of plan.removed) {
      await tx.markInstanceRemoved(removed.instance_id, now);
      await drainRemovedInstance(tx, removed.instance_id, now);
      touchedHosts.add(removed.host);
      await event('instance_removed', removed.instance_id, removed.version, { host: removed.host, port: removed.port, reason: 'not in the service spec' });
    }
    await event(existing === undefined ? 'service_created' : 'service_updated', null, null, {
      instances: spec.instances.length,
      added: plan.added.map((a) => a.instance_id),
      removed: plan.removed.map((r) => r.instance_id),
      settings: plan.settings,
      warnings: plan.warnings,
    });
    return plan;
  });
  ctx.wake.hosts(touchedHosts);
  ctx.wake.reconcile();
  return plan;
}

/** Reads what the plan depends on and lets the core compute it; refuses a port another instance holds. */
async function loadPlan(tx: Store, name: string, spec: ServiceSpec) {
  const wanted = wantedInstances(name, spec);
  if (spec.channels?.['stable'] !== undefined) {
    throw new InputError('reserved_channel', 'channel "stable" is always the desired version and cannot be declared; declare canary or another name');
  }
  const declared = checkTrafficDeclaration({ traffic: (spec.traffic ?? null) as Service['traffic'], analysis: (spec.analysis ?? null) as Service['analysis'], strategy: spec.strategy ?? null });
  if (!declared.ok) throw new InputError(declared.reason, declared.message);
  const chains = checkSmokeChains((spec.verify ?? []) as Service['verify']);
  if (!chains.ok) throw new InputError(chains.reason, chains.message);
  const triggers = checkRollbackTriggers(spec.rollback_triggers ?? null, (spec.analysis ?? null) as Service['analysis']);
  if (!triggers.ok) throw new InputError(triggers.reason, triggers.message);
  const [existing, instances, hosts] = await Promise.all([tx.getService(name), tx.listInstances({ service: name }), tx.listHosts()]);
  const plan = planServiceChange({
    service: name,
    existing,
    current: instances.filter((i) => i.removed_at === null),
    wanted,
    settings: settingsFromSpec(spec),
    knownHosts: new Set(hosts.map((h) => h.host)),
  });
  for (const { host, port, instance_id } of plan.added) await assertPortFree(tx, host, port, instance_id);
  return { plan, existing, rows: new Set(instances.map((i) => i.instance_id)) };
}

function wantedInstances(name: string, spec: ServiceSpec) {
  const seen = new Set<string>();
  return spec.instances.map(({ host, port }): PlannedInstance => {
    const check = checkHostId(host);
    if (!check.ok) throw new InputError(check.reason, check.message);
    const id = instanceIdFor(name, host, port);
    if (seen.has(id)) throw new InputError('duplicate_instance', `instance ${host}:${port} is listed twice`);
    seen.add(id);
    return { instance_id: id, host, port };
  });
}

async function assertPortFree(tx: Store, host: string, port: number, id: string): Promise<void> {
  const clash = (await tx.listInstances({ host })).find((i) => i.port === port && i.instance_id !== id);
  if (clash !== undefined) {
    throw new ConflictError('port_in_use', `port ${port} on host ${host} is already used by instance ${clash.instance_id}`, { instance_id: clash.instance_id });
  }
}

function settingsFromSpec(spec: ServiceSpec): ServiceSettings {
  return {
    start: spec.start,
    health_path: spec.health_path ?? '/healthz',
    version_path: spec.version_path ?? '/version',
    version_check: (spec.version_check ?? null) as Service['version_check'],
    env: spec.env ?? {},
    verify: (spec.verify ?? []) as Service['verify'],
    strategy: spec.strategy ?? null,
    drift_policy: spec.drift_policy ?? 'rebuild',
    keep_releases: spec.keep_releases ?? DEFAULT_KEEP_RELEASES,
    drain_s: spec.drain_s ?? 0,
    oncall: spec.oncall ?? null,
    runbooks: Object.fromEntries(Object.entries(spec.runbooks ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    readiness: spec.readiness ?? null,
    replay: spec.replay ?? null,
    replay_after_rollback: spec.replay_after_rollback ?? null,
    channels: (spec.channels ?? {}) as Service['channels'],
    traffic: (spec.traffic ?? null) as Service['traffic'],
    analysis: (spec.analysis ?? null) as Service['analysis'],
    rollback_triggers: spec.rollback_triggers ?? null,
    rollback_batch_percent: spec.rollback_batch_percent ?? null,
  };
}

function serviceFromSpec(name: string, spec: ServiceSpec, existing: Service | undefined, now: number): Service {
  return {
    name,
    ...settingsFromSpec(spec),
    desired_version: existing?.desired_version ?? null,
    previous_version: existing?.previous_version ?? null,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
}

/** The row of an added instance, with no goal yet: planInitialGoals decides its first one. */
function newInstance(id: string, service: string, host: string, port: number, now: number): Instance {
  return {
    instance_id: id,
    service,
    host,
    port,
    pinned_version: null,
    goal: NO_GOAL,
    observed: null,
    removed_at: null,
    isolation: null,
    created_at: now,
  };
}

type ServiceEventType = 'instance_added' | 'instance_removed' | 'service_created' | 'service_updated';

function eventFactory(tx: Store, service: string, caller: Caller, now: number) {
  return <K extends ServiceEventType>(type: K, instanceId: string | null, version: string | null, details: EventDetails[K]) =>
    recordEvent(tx, eventOf(type, { at: now, service, version, instance_id: instanceId, deploy_id: null, actor: caller.actor, correlation_id: caller.correlationId, ...callerEventIds(caller) }, details));
}
