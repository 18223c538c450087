/**
 * Declaring a service: store its spec and reconcile its instance list. An instance
 * added to a service that already has a desired version gets that version as its goal
 * at once (the agent deploys it); an instance removed is marked removed, so its agent
 * drains and stops it and the row goes once the agent stops reporting it.
 */
import { ConflictError, InputError } from '../../../core/errors.js';
import { checkHostId, instanceIdFor } from '../../../core/names.js';
import { DEFAULT_HEALTHY_DEADLINE_S } from '../../../core/operations/strategy.js';
import type { Instance, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { Caller } from '../releases/release-service.js';
import type { ServerContext } from '../../server-context.js';
import type { ServiceSpec } from './service-routes.js';

export const DEFAULT_KEEP_RELEASES = 5;

export async function applyServiceSpec(ctx: ServerContext, name: string, spec: ServiceSpec, caller: Caller): Promise<void> {
  const wanted = wantedInstances(name, spec);
  const now = ctx.now();
  const touchedHosts = new Set<string>();
  await ctx.store.transaction(async (tx) => {
    const existing = await tx.getService(name);
    await tx.putService(serviceFromSpec(name, spec, existing, now));
    const current = await tx.listInstances({ service: name });
    const byId = new Map(current.map((i) => [i.instance_id, i]));
    const event = eventFactory(tx, name, caller, now);
    for (const { host, port, id } of wanted) {
      const found = byId.get(id);
      if (found !== undefined && found.removed_at === null) continue;
      if (found !== undefined) await tx.deleteInstance(id);
      await assertPortFree(tx, host, port, id);
      await tx.insertInstance(newInstance(id, name, host, port, existing?.desired_version ?? null, now));
      touchedHosts.add(host);
      await event('instance_added', id, existing?.desired_version ?? null, { host, port });
    }
    const wantedIds = new Set(wanted.map((w) => w.id));
    for (const instance of current) {
      if (wantedIds.has(instance.instance_id) || instance.removed_at !== null) continue;
      await tx.markInstanceRemoved(instance.instance_id, now);
      touchedHosts.add(instance.host);
      await event('instance_removed', instance.instance_id, instance.goal.version, { host: instance.host, port: instance.port });
    }
    await event(existing === undefined ? 'service_created' : 'service_updated', null, null, { instances: wanted.length });
  });
  ctx.wake.hosts(touchedHosts);
  ctx.wake.reconcile();
}

function wantedInstances(name: string, spec: ServiceSpec) {
  const seen = new Set<string>();
  return spec.instances.map(({ host, port }) => {
    const check = checkHostId(host);
    if (!check.ok) throw new InputError(check.reason, check.message);
    const id = instanceIdFor(name, host, port);
    if (seen.has(id)) throw new InputError('duplicate_instance', `instance ${host}:${port} is listed twice`);
    seen.add(id);
    return { host, port, id };
  });
}

async function assertPortFree(tx: Store, host: string, port: number, id: string): Promise<void> {
  const clash = (await tx.listInstances({ host })).find((i) => i.port === port && i.instance_id !== id);
  if (clash !== undefined) {
    throw new ConflictError('port_in_use', `port ${port} on host ${host} is already used by instance ${clash.instance_id}`, { instance_id: clash.instance_id });
  }
}

function serviceFromSpec(name: string, spec: ServiceSpec, existing: Service | undefined, now: number): Service {
  return {
    name,
    start: spec.start,
    health_path: spec.health_path ?? '/healthz',
    version_path: spec.version_path ?? '/version',
    env: spec.env ?? {},
    verify: spec.verify ?? [],
    strategy: spec.strategy ?? null,
    drift_policy: spec.drift_policy ?? 'rebuild',
    keep_releases: spec.keep_releases ?? DEFAULT_KEEP_RELEASES,
    drain_s: spec.drain_s ?? 0,
    desired_version: existing?.desired_version ?? null,
    previous_version: existing?.previous_version ?? null,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
}

function newInstance(id: string, service: string, host: string, port: number, desired: string | null, now: number): Instance {
  return {
    instance_id: id,
    service,
    host,
    port,
    pinned_version: null,
    goal: { version: desired, generation: desired === null ? 0 : 1, action: 'run', timeout_s: DEFAULT_HEALTHY_DEADLINE_S },
    observed: null,
    removed_at: null,
    isolation: null,
    created_at: now,
  };
}

function eventFactory(tx: Store, service: string, caller: Caller, now: number) {
  return (type: string, instanceId: string | null, version: string | null, details: Record<string, unknown>) =>
    tx.appendAudit({ at: now, type, service, version, instance_id: instanceId, deploy_id: null, actor: caller.actor, correlation_id: caller.correlationId, details });
}
