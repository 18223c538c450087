/** Test fixtures for the drift planner: a fresh fleet snapshot and a way to apply a plan to it. */
import type { Instance, InstanceObservation, Service } from '../core/types.js';
import { makeInstance, makeService, T0 } from './builders.js';
import type { DriftPlan } from '../core/drift/drift-plan.js';
import type { DriftSnapshot } from '../core/drift/plan-drift.js';

export const HEARTBEAT_S = 5;
export const NOW = T0 + 60_000;

/** An instance reporting `answered` on its own probe while its goal (achieved) is `goal`. */
export function answering(id: string, answered: string | null, goal: string, over: Partial<InstanceObservation> = {}, instanceOver: Partial<Instance> = {}): Instance {
  const base = makeInstance(id, goal, instanceOver);
  return { ...base, observed: { ...base.observed!, version: answered, ...over } };
}

/** Every host reported a second ago; releases v1, v2, v3 are registered; desired v2; no operation. */
export function snapshot(instances: Instance[], over: Partial<DriftSnapshot> = {}, service: Partial<Service> = {}): DriftSnapshot {
  return {
    service: makeService({ desired_version: 'v2', previous_version: 'v1', ...service }),
    instances,
    activeOperation: undefined,
    activeTargets: [],
    registeredVersions: new Set(['v1', 'v2', 'v3']),
    hostHeartbeats: new Map(instances.map((i) => [i.host, NOW - 1000])),
    heartbeatS: HEARTBEAT_S,
    now: NOW,
    rebuildId: 'dep-rebuild-1',
    ...over,
  };
}

/** The snapshot after the reconciler applied `plan` (isolations, pins, a started rebuild). */
export function applyDriftPlanTo(s: DriftSnapshot, plan: DriftPlan): DriftSnapshot {
  const instances = s.instances.map((instance) => {
    const isolation = plan.isolations.find((i) => i.instance_id === instance.instance_id);
    const pin = plan.pins.find((p) => p.instance_id === instance.instance_id);
    return {
      ...instance,
      ...(isolation !== undefined ? { isolation: isolation.isolation } : {}),
      ...(pin !== undefined ? { pinned_version: pin.version } : {}),
    };
  });
  if (plan.rebuild === null) return { ...s, instances };
  return { ...s, instances, activeOperation: plan.rebuild.operation, activeTargets: plan.rebuild.targets };
}

export function eventTypes(plan: DriftPlan): string[] {
  return plan.events.map((e) => `${e.type}${e.instance_id ? ` ${e.instance_id}` : ''}`);
}
