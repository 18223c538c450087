/**
 * The public status of an instance (CONTRACT §2) is derived, never stored: it follows
 * from the goal the control plane set, what the agent last observed, and how fresh
 * that observation is. Deriving it keeps one source of truth and makes `unknown`
 * (a silent host) appear without any writer. The one stored input is drift isolation
 * (`instance.isolation`), which shows as `quarantined` or `unhealthy` while it lasts.
 */
import type { Instance, InstanceGoal, InstanceIsolation, InstanceObservation, InstanceStatus, OperationTarget } from '../types.js';

/** What the status derives from: an Instance has it all; hot paths may read only these fields. */
export interface InstanceStatusFacts {
  removed_at: number | null;
  goal: Pick<InstanceGoal, 'version' | 'generation'>;
  observed: Pick<InstanceObservation, 'status' | 'achieved_generation'> | null;
  isolation: Pick<InstanceIsolation, 'status'> | null;
}

/** Heartbeats an agent may miss before its instances count as `unknown`. */
export const MISSED_HEARTBEATS_FOR_UNKNOWN = 3;

export interface StatusContext {
  now: number;
  heartbeatS: number;
  /** Last heartbeat of the instance's host; undefined when the host never reported. */
  hostLastHeartbeatAt: number | undefined;
  /** The active operation is draining this instance before it stops it. */
  draining?: boolean;
}

export function instanceStatus(instance: InstanceStatusFacts, ctx: StatusContext): InstanceStatus {
  const observed = instance.observed;
  if (instance.removed_at !== null) return observed?.status === 'stopped' ? 'stopped' : 'draining';
  // Isolation outranks everything a live instance can show: a person must see it is out of service.
  if (instance.isolation !== null) return instance.isolation.status;
  // An operation is about to stop it: out of allocation from this moment (drain before replace).
  if (ctx.draining === true) return 'draining';
  if (observed === null) return 'pending';
  if (isHostSilent(ctx)) return 'unknown';
  if (observed.achieved_generation < instance.goal.generation) return 'deploying';
  switch (observed.status) {
    case 'ready':
      return 'ready';
    case 'starting':
      return 'deploying';
    case 'unhealthy':
    case 'crashed':
      return 'unhealthy';
    case 'stopped':
      return instance.goal.version === null ? 'pending' : 'stopped';
  }
}

/** True when the host missed MISSED_HEARTBEATS_FOR_UNKNOWN heartbeats: its instances are `unknown`. */
export function isHostSilent(ctx: StatusContext): boolean {
  if (ctx.hostLastHeartbeatAt === undefined) return true;
  return ctx.now - ctx.hostLastHeartbeatAt > MISSED_HEARTBEATS_FOR_UNKNOWN * ctx.heartbeatS * 1000;
}

/**
 * The version an instance should run when no operation is changing it: its pin if
 * pinned, else the service's desired version.
 */
export function expectedVersion(instance: Instance, desiredVersion: string | null): string | null {
  return instance.pinned_version ?? desiredVersion;
}

/** Instances the active operation is draining before it stops them: their status is `draining`. */
export function drainingInstances(targets: ReadonlyArray<Pick<OperationTarget, 'instance_id' | 'status'>>): Set<string> {
  return new Set(targets.filter((t) => t.status === 'draining').map((t) => t.instance_id));
}
