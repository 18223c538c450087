/**
 * The fleet's gauges as one pure function of what the store holds now (CONTRACT §3,
 * Metrics): instances by service, probed version and status; drifted instances; the
 * desired version; the version consistency ratio; each host's last heartbeat. The
 * reconcile loop computes them once per tick and the metrics registry only copies them,
 * so a scrape reads memory and the work is bounded by the fleet's size, never by history.
 *
 * Status and drift follow the same rules as the API's fleet view (instance-status.ts,
 * detect-drift.ts), so `/metrics` and `ferry status` agree.
 *
 * Consistency ratio, worked examples (desired 2.0.0):
 *   4 instances, 3 ready on 2.0.0, 1 ready on 1.0.0   → 0.75
 *   4 instances, 4 on 2.0.0 but 1 of them unhealthy    → 0.75 (only ready instances count)
 *   no desired version yet, 2 instances                 → 0
 *   no instances at all                                 → 1 (nothing runs a wrong version;
 *     the instance count says the service is empty)
 */
import { detectDrift, versionExpectation } from '../drift/detect-drift.js';
import { instanceStatus, isHostSilent } from '../instances/instance-status.js';
import type { Host, Instance, InstanceStatus, OperationTarget, Service } from '../types.js';

export interface FleetGaugeInputs {
  now: number;
  heartbeatS: number;
  services: ReadonlyArray<Pick<Service, 'name' | 'desired_version'>>;
  /** Every instance of those services; removed ones are skipped. */
  instances: readonly Instance[];
  hosts: ReadonlyArray<Pick<Host, 'host' | 'last_heartbeat_at'>>;
  /** Targets of the active operations, by instance id. */
  activeTargets: ReadonlyMap<string, OperationTarget>;
  /** Registered release versions, by service (drift needs them). */
  registeredVersions: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface FleetGauges {
  instances: Array<{ service: string; version: string; status: InstanceStatus; count: number }>;
  drifted: Array<{ service: string; count: number }>;
  desiredVersions: Array<{ service: string; version: string }>;
  consistency: Array<{ service: string; ratio: number }>;
  /** Epoch ms of each host's last heartbeat; the registry turns it into an age at scrape time. */
  heartbeats: Array<{ host: string; last_heartbeat_at: number }>;
}

/** The label value of an instance whose version probe has not answered. */
export const NO_VERSION = 'none';

export function computeFleetGauges(inputs: FleetGaugeInputs): FleetGauges {
  const heartbeatOf = new Map(inputs.hosts.map((h) => [h.host, h.last_heartbeat_at]));
  const byService = new Map<string, Instance[]>();
  for (const instance of inputs.instances) {
    if (instance.removed_at !== null) continue;
    const list = byService.get(instance.service);
    if (list === undefined) byService.set(instance.service, [instance]);
    else list.push(instance);
  }
  const gauges: FleetGauges = { instances: [], drifted: [], desiredVersions: [], consistency: [], heartbeats: [] };
  for (const service of inputs.services) addServiceGauges(gauges, service, byService.get(service.name) ?? [], inputs, heartbeatOf);
  for (const host of inputs.hosts) gauges.heartbeats.push({ host: host.host, last_heartbeat_at: host.last_heartbeat_at });
  return gauges;
}

function addServiceGauges(
  gauges: FleetGauges,
  service: FleetGaugeInputs['services'][number],
  instances: readonly Instance[],
  inputs: FleetGaugeInputs,
  heartbeatOf: ReadonlyMap<string, number>,
): void {
  const counts = new Map<string, { version: string; status: InstanceStatus; count: number }>();
  const registered = inputs.registeredVersions.get(service.name) ?? new Set<string>();
  let drifted = 0;
  let consistent = 0;
  for (const instance of instances) {
    const target = inputs.activeTargets.get(instance.instance_id);
    const context = { now: inputs.now, heartbeatS: inputs.heartbeatS, hostLastHeartbeatAt: heartbeatOf.get(instance.host), draining: target?.status === 'draining' };
    const status = instanceStatus(instance, context);
    const version = instance.observed?.version ?? NO_VERSION;
    const key = `${version}\u0000${status}`;
    const row = counts.get(key) ?? { version, status, count: 0 };
    row.count++;
    counts.set(key, row);
    // An instance of a silent host is never drifted, as in the API's fleet view.
    if (!isHostSilent(context) && detectDrift(instance, versionExpectation(instance, service.desired_version, target), registered) !== null) drifted++;
    if (status === 'ready' && version === service.desired_version) consistent++;
  }
  for (const row of counts.values()) gauges.instances.push({ service: service.name, ...row });
  gauges.drifted.push({ service: service.name, count: drifted });
  if (service.desired_version !== null) gauges.desiredVersions.push({ service: service.name, version: service.desired_version });
  gauges.consistency.push({ service: service.name, ratio: instances.length === 0 ? 1 : consistent / instances.length });
}
