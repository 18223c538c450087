/**
 * Everything the allocator needs about one service, read in a fixed number of queries
 * whatever the fleet size: the service, its instances, the hosts, its active operation
 * and that operation's targets, open sessions per instance (OpenSessionCounts) and,
 * only while an operation is active, each named tenant's last version during it.
 */
import { drainingInstances, instanceStatus } from '../../../core/instances/instance-status.js';
import { pastHealthGate, type RolloutInFlight, type SessionCandidate } from '../../../core/sessions/allocate-session.js';
import type { Host, InstancePlacement, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { activeOperationOf } from '../services/service-lookup.js';
import type { OpenSessionCounts } from './open-session-counts.js';

export interface PlacementInputs {
  service: Service;
  /** Live instances with their derived status; open_sessions grows as a batch places sessions. */
  candidates: SessionCandidate[];
  /** Each candidate by instance_id, with its instance row and its host's advertised address. */
  placement: Map<string, { candidate: SessionCandidate; instance: InstancePlacement; address: string }>;
  operation: RolloutInFlight | null;
  /** Epoch ms the active operation started; tenant history counts from here. */
  operationSince: number | null;
  /** Last version given to each tenant during the active operation. */
  tenantVersions: Map<string, string>;
}

export async function loadPlacementInputs(
  tx: Store,
  service: Service,
  tenants: ReadonlySet<string>,
  hosts: ReadonlyMap<string, Host>,
  openCounts: OpenSessionCounts,
  clock: { now: number; heartbeatS: number },
): Promise<PlacementInputs> {
  const [instances, active, counts] = await Promise.all([tx.listInstancePlacements(service.name), activeOperationOf(tx, service.name), openCounts.read(tx, service.name, clock.now)]);
  const activeOperation = active?.operation;
  const targets = active?.targets ?? [];
  const tenantVersions = new Map<string, string>();
  if (activeOperation !== undefined) {
    for (const tenant of tenants) {
      const version = await tx.lastTenantVersion(service.name, tenant, activeOperation.created_at);
      if (version !== undefined) tenantVersions.set(tenant, version);
    }
  }
  // An instance the operation is draining gets no new session from that moment (drain before replace).
  const draining = drainingInstances(targets);
  const candidates: SessionCandidate[] = [];
  const placement: PlacementInputs['placement'] = new Map();
  for (const instance of instances) {
    const host = hosts.get(instance.host);
    const status = instanceStatus(instance, { now: clock.now, heartbeatS: clock.heartbeatS, hostLastHeartbeatAt: host?.last_heartbeat_at, draining: draining.has(instance.instance_id) });
    const candidate: SessionCandidate = {
      instance_id: instance.instance_id,
      status,
      version: instance.observed?.version ?? null,
      open_sessions: counts.get(instance.instance_id) ?? 0,
      ...(instance.replay_hold ? { replay_held: true } : {}),
    };
    candidates.push(candidate);
    placement.set(instance.instance_id, { candidate, instance, address: host?.address ?? instance.host });
  }
  return {
    service,
    candidates,
    placement,
    operation: activeOperation === undefined ? null : { target_version: activeOperation.version, status: activeOperation.status, past_gate: pastHealthGate(targets) },
    operationSince: activeOperation?.created_at ?? null,
    tenantVersions,
  };
}
