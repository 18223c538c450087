/**
 * One read of a service's fleet as the API shows it: each live instance with its
 * derived status, the address clients reach it at, and whether it drifted. Every
 * route that shows instances goes through here so they all agree.
 */
import { instanceStatus, isDrifted } from '../../../core/instances/instance-status.js';
import type { Host, Instance, InstanceStatus, Operation, Service } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';

export interface InstanceView {
  instance: Instance;
  status: InstanceStatus;
  address: string | null;
  /** What the instance's own version probe last answered. */
  version: string | null;
  drifted: boolean;
  lastUpdated: number;
}

export interface FleetView {
  service: Service;
  instances: InstanceView[];
  activeOperation: Operation | undefined;
}

export async function loadFleetView(ctx: ServerContext, service: Service): Promise<FleetView> {
  const [instances, hosts, active] = await Promise.all([
    ctx.store.listInstances({ service: service.name }),
    ctx.store.listHosts(),
    ctx.store.listOperations({ service: service.name, activeOnly: true, limit: 1 }),
  ]);
  const activeOperation = active[0];
  const inFlight = new Set(activeOperation ? (await ctx.store.listTargets(activeOperation.id)).map((t) => t.instance_id) : []);
  const hostById = new Map(hosts.map((h) => [h.host, h]));
  const now = ctx.now();
  const views = instances
    .filter((i) => i.removed_at === null)
    .map((instance) => viewInstance(instance, hostById.get(instance.host), service, inFlight.has(instance.instance_id), ctx, now));
  return { service, instances: views, activeOperation };
}

function viewInstance(instance: Instance, host: Host | undefined, service: Service, inFlight: boolean, ctx: ServerContext, now: number): InstanceView {
  return {
    instance,
    status: instanceStatus(instance, { now, heartbeatS: ctx.timers.heartbeatS, hostLastHeartbeatAt: host?.last_heartbeat_at }),
    address: host?.address ?? null,
    version: instance.observed?.version ?? null,
    drifted: isDrifted(instance, service.desired_version, inFlight),
    lastUpdated: instance.observed?.at ?? instance.created_at,
  };
}

/** Counts of instances by public status. */
export function statusCounts(views: InstanceView[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const view of views) counts[view.status] = (counts[view.status] ?? 0) + 1;
  return counts;
}
