/**
 * Which instance a new session goes to (CONTRACT §2 Sessions). Pure: the caller passes
 * the fleet as data (derived statuses, probed versions, open session counts), the
 * service's active operation, the tenant's previous version and a draw in [0, 1).
 *
 * Eligible: a `ready` instance whose probed version is the desired version; and, while
 * an operation is active and not failing, a `ready` instance past its health gate whose
 * probed version is the operation's target version. Nothing else, ever.
 */
import { refuse, type Decision } from '../result.js';
import type { InstanceStatus, OperationStatus, TargetStatus } from '../types.js';

export const UPGRADING_MESSAGE = 'the system is upgrading, please retry shortly';
/** What a refused caller is told to wait before retrying (Retry-After). */
export const UPGRADING_RETRY_AFTER_S = 2;

/** One instance as the allocator sees it. */
export interface SessionCandidate {
  instance_id: string;
  /** Derived public status (instanceStatus()). */
  status: InstanceStatus;
  /** What the instance's own version probe last answered. */
  version: string | null;
  open_sessions: number;
  /** A replay after a rollback holds it out of allocation until the replay passes (absent = not held). */
  replay_held?: boolean;
}

/** The service's active operation, reduced to what allocation needs. */
export interface RolloutInFlight {
  target_version: string | null;
  status: OperationStatus;
  /** Instances whose target passed its health gate (see pastHealthGate). */
  past_gate: ReadonlySet<string>;
}

export interface SessionAllocationInput {
  desired_version: string | null;
  instances: readonly SessionCandidate[];
  operation: RolloutInFlight | null;
  /** The version this tenant was last given during the active operation, if any. */
  tenant_version: string | null;
  /** Uniform in [0, 1): decides canary versus stable when no tenant history decides. */
  draw: number;
}

export type SessionAllocation = Decision<{ instance_id: string; runtime_version: string }>;

/** Operation statuses during which the target version may take sessions: active, not failing. */
const TAKING_SESSIONS: readonly OperationStatus[] = ['pending', 'running', 'paused', 'verifying'];
/** Target statuses past the health gate: healthy long enough and (if any) verified. */
const PAST_GATE: readonly TargetStatus[] = ['succeeded', 'verifying'];

/** The instances of an operation whose target passed its health gate. */
export function pastHealthGate(targets: ReadonlyArray<{ instance_id: string; status: TargetStatus }>): Set<string> {
  return new Set(targets.filter((t) => PAST_GATE.includes(t.status)).map((t) => t.instance_id));
}

export function allocateSession(input: SessionAllocationInput): SessionAllocation {
  const stable = input.instances.filter((i) => i.status === 'ready' && i.replay_held !== true && i.version !== null && i.version === input.desired_version);
  const canary = canaryInstances(input);
  const version = chooseVersion(stable, canary, input);
  if (version === null) return refuse('unavailable', 'upgrading', UPGRADING_MESSAGE, { retry_after_s: UPGRADING_RETRY_AFTER_S });
  const pool = version === 'canary' ? canary : stable;
  const chosen = leastLoaded(pool);
  return { ok: true, instance_id: chosen.instance_id, runtime_version: chosen.version! };
}

/** Ready instances past their gate on the target of an active, non-failing operation (never the desired version: those are stable). */
function canaryInstances(input: SessionAllocationInput): SessionCandidate[] {
  const op = input.operation;
  if (op === null || op.target_version === null || op.target_version === input.desired_version || !TAKING_SESSIONS.includes(op.status)) return [];
  return input.instances.filter((i) => i.status === 'ready' && i.replay_held !== true && i.version === op.target_version && op.past_gate.has(i.instance_id));
}

/**
 * Stable or canary. When both are eligible, a tenant keeps the version it had during this
 * operation; otherwise the canary wins the draw in proportion to its share of eligible
 * instances. Example: 9 stable and 1 canary instance → share 0.1, so draws below 0.1
 * (one session in ten) go to the canary.
 */
function chooseVersion(stable: SessionCandidate[], canary: SessionCandidate[], input: SessionAllocationInput): 'stable' | 'canary' | null {
  if (canary.length === 0) return stable.length === 0 ? null : 'stable';
  if (stable.length === 0) return 'canary';
  if (input.tenant_version !== null) {
    if (input.tenant_version === canary[0]!.version) return 'canary';
    if (input.tenant_version === stable[0]!.version) return 'stable';
  }
  const share = canary.length / (canary.length + stable.length);
  return input.draw < share ? 'canary' : 'stable';
}

/** Fewest open sessions; ties go to the lowest instance_id, so the choice is deterministic. */
function leastLoaded(pool: SessionCandidate[]): SessionCandidate {
  let best = pool[0]!;
  for (const candidate of pool) {
    if (candidate.open_sessions < best.open_sessions || (candidate.open_sessions === best.open_sessions && candidate.instance_id < best.instance_id)) best = candidate;
  }
  return best;
}
