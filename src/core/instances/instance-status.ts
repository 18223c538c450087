/**
 * The public status of an instance (CONTRACT §2) is derived, never stored: it follows
 * from the goal the control plane set, what the agent last observed, and how fresh
 * that observation is. Deriving it keeps one source of truth and makes `unknown`
 * (a silent host) appear without any writer.
 */
import type { Instance, InstanceGoal, InstanceObservation, InstanceStatus } from '../types.js';

/** What the status derives from: an Instance has it all; hot paths may read only these fields. */
export interface InstanceStatusFacts {
  removed_at: number | null;
  goal: Pick<InstanceGoal, 'version' | 'generation'>;
  observed: Pick<InstanceObservation, 'status' | 'achieved_generation'> | null;
}

/** Heartbeats an agent may miss before its instances count as `unknown`. */
export const MISSED_HEARTBEATS_FOR_UNKNOWN = 3;

export interface StatusContext {
  now: number;
  heartbeatS: number;
  /** Last heartbeat of the instance's host; undefined when the host never reported. */
  hostLastHeartbeatAt: number | undefined;
}

export function instanceStatus(instance: InstanceStatusFacts, ctx: StatusContext): InstanceStatus {
  const observed = instance.observed;
  if (instance.removed_at !== null) return observed?.status === 'stopped' ? 'stopped' : 'draining';
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

function isHostSilent(ctx: StatusContext): boolean {
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

/**
 * Drift: a reporting instance whose probed version is not the one it should run.
 * Instances an active operation is changing are not drifted, they are in flight.
 */
export function isDrifted(instance: Instance, desiredVersion: string | null, inFlight: boolean): boolean {
  if (inFlight || instance.removed_at !== null || instance.observed === null) return false;
  const expected = expectedVersion(instance, desiredVersion);
  if (expected === null) return false;
  if (instance.observed.achieved_generation < instance.goal.generation) return false;
  if (instance.observed.status === 'stopped' || instance.observed.version === null) return false;
  return instance.observed.version !== expected;
}
