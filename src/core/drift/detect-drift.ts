/**
 * Drift detection for one instance: which version it should run right now, and whether
 * what its own version probe answered is that version. Pure; `planDrift` and the fleet
 * view both use it, so the API's `drifted` and the reconciler's decisions agree.
 */
import { leftToOperation } from '../operations/status-sets.js';
import type { Instance, OperationTarget, Reason, VersionSource } from '../types.js';

/** What an instance should run at this moment, or `in_flight` while an operation changes it. */
export type VersionExpectation = { kind: 'in_flight' } | { kind: 'expected'; version: string | null };


/**
 * The version an instance should run:
 *   target of the active operation, deploying/healthy/verifying/reverting/failed → in flight
 *   target succeeded (the operation moved it)                                   → to_version
 *   target reverted (the operation returned it)                                 → from_version
 *   target draining after a change (a revert behind a load balancer waits on it) → in flight
 *   no target, or pending/skipped                                               → pin, else desired
 */
export function versionExpectation(instance: Instance, desiredVersion: string | null, target: OperationTarget | undefined): VersionExpectation {
  if (target !== undefined) {
    if (leftToOperation(target.status) || (target.status === 'draining' && target.changed)) return { kind: 'in_flight' };
    if (target.status === 'succeeded') return { kind: 'expected', version: target.to_version };
    if (target.status === 'reverted') return { kind: 'expected', version: target.from_version };
  }
  return { kind: 'expected', version: instance.pinned_version ?? desiredVersion };
}

/** A drifted instance: what it should run, what it answered (null when nothing was proven), and why that is wrong. */
export interface DriftFinding {
  reason: Reason;
  expected: string | null;
  observed: string | null;
}

/**
 * Drift: a reporting instance whose probed version is not the one it should run, or is no
 * registered release of its service. Not drift: an instance in flight, removed, not yet
 * reporting, still working on its goal, stopped, or whose probe did not answer; and an
 * instance on the very version Ferry last sent it to (a deployment that failed with
 * auto_rollback off leaves such instances on purpose, for a person to look at).
 * Also drift: a `process` proof's refusal (the port is held by code Ferry did not start, or
 * by its process running from outside the release), whatever the instance answered.
 * Callers skip instances of silent hosts: an `unknown` instance is never drifted.
 */
export function detectDrift(instance: Instance, expectation: VersionExpectation, registeredVersions: ReadonlySet<string>): DriftFinding | null {
  const observed = instance.observed;
  if (expectation.kind === 'in_flight' || instance.removed_at !== null || observed === null) return null;
  if (observed.achieved_generation < instance.goal.generation) return null;
  if (observed.status === 'stopped' || observed.status === 'starting') return null;
  const expected = expectation.version;
  const refusal = observed.proof?.refusal ?? null;
  if (refusal !== null) return { reason: refusal, expected, observed: observed.version };
  if (observed.version === null) return null;
  const version = observed.version;
  const how = provenBy(observed.proof?.source ?? null);
  if (!registeredVersions.has(version)) {
    const message = `instance ${instance.instance_id} answered version ${version}${how}, which is no registered release of service ${instance.service}`;
    return { reason: { code: 'unregistered_version', message }, expected, observed: version };
  }
  if (expected === null || version === expected || version === instance.goal.version) return null;
  const message = `instance ${instance.instance_id} answered version ${version}${how}, expected ${expected}`;
  return { reason: { code: 'version_mismatch', message }, expected, observed: version };
}

/** ` (proven by process: pid 42 …)`, so a drift reason says how the wrong version was seen. */
function provenBy(source: VersionSource | null): string {
  return source === null ? '' : ` (proven by ${source.type}: ${source.detail})`;
}

/** True when the instance reports, ready, exactly the version it should run. */
export function answersExpected(instance: Instance, expectation: VersionExpectation): boolean {
  const observed = instance.observed;
  if (expectation.kind === 'in_flight' || observed === null || expectation.version === null) return false;
  return observed.achieved_generation >= instance.goal.generation && observed.status === 'ready' && observed.version === expectation.version;
}
