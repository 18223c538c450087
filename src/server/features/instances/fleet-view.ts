/**
 * One read of a service's fleet as the API shows it: each live instance with its
 * derived status, the address clients reach it at, and whether it drifted. Every
 * route that shows instances goes through here so they all agree.
 */
import { detectDrift, versionExpectation, type DriftFinding } from '../../../core/drift/detect-drift.js';
import { instanceStatus, isHostSilent } from '../../../core/instances/instance-status.js';
import type { Host, Instance, InstanceStatus, Operation, OperationTarget, Service, VersionSource } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import { activeOperationOf } from '../services/service-lookup.js';

export interface InstanceView {
  instance: Instance;
  status: InstanceStatus;
  address: string | null;
  /** What the instance's own version probe last answered. */
  version: string | null;
  /** How that version was proven (CONTRACT §2 `version_source`); null before a proof, or from an older agent. */
  versionSource: VersionSource | null;
  drifted: boolean;
  /** Why it drifted, when it does; never set for an `unknown` instance. */
  drift: DriftFinding | null;
  lastUpdated: number;
}

export interface FleetView {
  service: Service;
  instances: InstanceView[];
  activeOperation: Operation | undefined;
}

export async function loadFleetView(ctx: ServerContext, service: Service): Promise<FleetView> {
  const [instances, hosts, active, releases] = await Promise.all([
    ctx.store.listInstances({ service: service.name }),
    ctx.store.listHosts(),
    activeOperationOf(ctx.store, service.name),
    ctx.store.listReleases(service.name),
  ]);
  const activeOperation = active?.operation;
  const targets = new Map((active?.targets ?? []).map((t) => [t.instance_id, t]));
  const hostById = new Map(hosts.map((h) => [h.host, h]));
  const registered = new Set(releases.map((r) => r.version));
  const now = ctx.now();
  const views = instances
    .filter((i) => i.removed_at === null)
    .map((instance) => viewInstance(instance, hostById.get(instance.host), { service, target: targets.get(instance.instance_id), registered, ctx, now }));
  return { service, instances: views, activeOperation };
}

interface ViewContext {
  service: Service;
  target: OperationTarget | undefined;
  registered: ReadonlySet<string>;
  ctx: ServerContext;
  now: number;
}

function viewInstance(instance: Instance, host: Host | undefined, v: ViewContext): InstanceView {
  const statusContext = { now: v.now, heartbeatS: v.ctx.timers.heartbeatS, hostLastHeartbeatAt: host?.last_heartbeat_at, draining: v.target?.status === 'draining' };
  // The same rule the drift planner applies; an instance of a silent host is never drifted.
  const drift = isHostSilent(statusContext) ? null : detectDrift(instance, versionExpectation(instance, v.service.desired_version, v.target), v.registered);
  return {
    instance,
    status: instanceStatus(instance, statusContext),
    address: host?.address ?? null,
    version: instance.observed?.version ?? null,
    versionSource: instance.observed?.proof?.source ?? null,
    drifted: drift !== null,
    drift,
    lastUpdated: instance.observed?.at ?? instance.created_at,
  };
}

/** Counts of instances by public status. */
export function statusCounts(views: InstanceView[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const view of views) counts[view.status] = (counts[view.status] ?? 0) + 1;
  return counts;
}
