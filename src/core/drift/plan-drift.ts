/**
 * The drift planner: a pure function of a service's fleet, its active operation, its
 * registered releases, host heartbeats and `now`, returning a DriftPlan.
 *
 * An episode, per instance:
 *   detected → version_mismatch_detected (once) and isolated at once (stored, so the
 *   episode is reported once even across server restarts), then by drift_policy:
 *     rebuild        → a deployment of the expected version on it (actor ferry:drift),
 *                      started when the service lock is free; once the instance answers
 *                      that version, ready, the isolation clears: instance_rebuilt.
 *                      After MAX_REBUILD_ATTEMPTS failed rebuilds it stays quarantined.
 *     quarantine     → stays `quarantined` until a person releases it.
 *     mark_unhealthy → stays `unhealthy` (out of allocation) until a person releases it.
 * Never drift: instances an operation is changing (in flight), and instances of a silent
 * host (`unknown`): their episode waits until the host reports again.
 */
import { buildOperation } from '../operations/build-operation.js';
import { isHostSilent } from '../instances/instance-status.js';
import { eventOf, type DriftEventDetails, type EventDetails, type EventEnvelope } from '../events/event-catalogue.js';
import type { Instance, InstanceIsolation, Operation, OperationTarget, Service } from '../types.js';
import { answersExpected, detectDrift, versionExpectation, type DriftFinding, type VersionExpectation } from './detect-drift.js';
import { DRIFT_ACTOR, episodeCorrelationId, MAX_REBUILD_ATTEMPTS, type DriftPlan } from './drift-plan.js';

export interface DriftSnapshot {
  service: Service;
  /** Every instance of the service (removed ones are ignored). */
  instances: Instance[];
  /** The holder of the service lock, if any. */
  activeOperation: Operation | undefined;
  activeTargets: OperationTarget[];
  registeredVersions: ReadonlySet<string>;
  /** Last heartbeat per host id. */
  hostHeartbeats: ReadonlyMap<string, number>;
  heartbeatS: number;
  now: number;
  /** The id a rebuild started by this pass gets (the core makes no random ids). */
  rebuildId: string;
}

interface RebuildWanted {
  instance: Instance;
  isolation: InstanceIsolation;
  version: string;
}

export function planDrift(s: DriftSnapshot): DriftPlan {
  const plan: DriftPlan = { isolations: [], pins: [], rebuild: null, events: [] };
  const targets = new Map(s.activeTargets.map((t) => [t.instance_id, t]));
  const wanted: RebuildWanted[] = [];
  for (const instance of s.instances) {
    if (instance.removed_at !== null) continue;
    if (isHostSilent({ now: s.now, heartbeatS: s.heartbeatS, hostLastHeartbeatAt: s.hostHeartbeats.get(instance.host) })) continue;
    const expectation = versionExpectation(instance, s.service.desired_version, targets.get(instance.instance_id));
    if (expectation.kind === 'in_flight') continue;
    const finding = detectDrift(instance, expectation, s.registeredVersions);
    let isolation = instance.isolation;
    if (isolation === null) {
      if (finding === null) continue;
      isolation = beginEpisode(plan, instance, finding, s);
    }
    if (isolation.policy !== 'rebuild') continue;
    const want = followRebuild(plan, instance, isolation, finding, expectation, s);
    if (want !== null) wanted.push(want);
  }
  if (wanted.length > 0 && s.activeOperation === undefined) startRebuild(plan, wanted, s);
  return plan;
}

function beginEpisode(plan: DriftPlan, instance: Instance, finding: DriftFinding, s: DriftSnapshot): InstanceIsolation {
  const policy = s.service.drift_policy;
  const isolation: InstanceIsolation = {
    status: policy === 'mark_unhealthy' ? 'unhealthy' : 'quarantined',
    policy,
    reason: finding.reason,
    expected_version: finding.expected,
    observed_version: finding.observed,
    since: s.now,
    pinned_version: instance.pinned_version,
    rebuild: null,
  };
  setIsolation(plan, instance.instance_id, isolation);
  const details = { expected: finding.expected, observed: finding.observed, reason: finding.reason, policy };
  event(plan, s, instance, isolation, 'version_mismatch_detected', finding.observed, details);
  const type = isolation.status === 'unhealthy' ? 'instance_marked_unhealthy' : 'instance_quarantined';
  event(plan, s, instance, isolation, type, finding.observed, { policy, status: isolation.status, reason: finding.reason });
  return isolation;
}

/**
 * The rebuild policy's next step for an isolated instance: wait for the rebuild under
 * way, clear the isolation once the instance answers the right version, give up after
 * MAX_REBUILD_ATTEMPTS, or ask for a (new) rebuild.
 */
function followRebuild(plan: DriftPlan, instance: Instance, isolation: InstanceIsolation, finding: DriftFinding | null, expectation: VersionExpectation, s: DriftSnapshot): RebuildWanted | null {
  const rebuild = isolation.rebuild;
  if (rebuild !== null && s.activeOperation?.id === rebuild.operation_id) return null;
  if (answersExpected(instance, expectation)) {
    setIsolation(plan, instance.instance_id, null);
    const pin = pinToRestore(instance, isolation);
    if (pin !== undefined) plan.pins.push({ instance_id: instance.instance_id, version: pin });
    const rebuilt = rebuild !== null && !rebuild.gave_up;
    const type = rebuilt ? 'instance_rebuilt' : 'instance_released';
    event(plan, s, instance, isolation, type, instance.observed?.version ?? null, rebuilt ? { deploy_id: rebuild.operation_id, attempts: rebuild.attempts } : { by: 'version_restored' });
    return null;
  }
  if (finding === null || rebuild?.gave_up === true || expectation.kind !== 'expected' || expectation.version === null) return null;
  if (rebuild !== null && rebuild.attempts >= MAX_REBUILD_ATTEMPTS) {
    setIsolation(plan, instance.instance_id, { ...isolation, rebuild: { ...rebuild, gave_up: true } });
    const message = `instance ${instance.instance_id} still answers ${finding.observed ?? finding.reason.code} after ${rebuild.attempts} rebuilds; left quarantined for a person`;
    event(plan, s, instance, isolation, 'instance_rebuild_failed', finding.observed, { attempts: rebuild.attempts, last_deploy_id: rebuild.operation_id, message });
    return null;
  }
  return { instance, isolation, version: expectation.version };
}

/** One deployment (the service lock allows one) of the first wanted version, to every instance wanting it. */
function startRebuild(plan: DriftPlan, wanted: RebuildWanted[], s: DriftSnapshot): void {
  const version = wanted[0]!.version;
  const chosen = wanted.filter((w) => w.version === version);
  const built = buildOperation({
    id: s.rebuildId,
    kind: 'deploy',
    service: s.service,
    version,
    instanceIds: chosen.map((w) => w.instance.instance_id),
    instances: s.instances.filter((i) => i.removed_at === null),
    activeOperation: undefined,
    // All at once and no revert: the instances are isolated already, and their old version is the wrong one.
    strategy: { type: 'all_at_once', auto_rollback: false },
    actor: DRIFT_ACTOR,
    correlation_id: `drift:${s.rebuildId}`,
    now: s.now,
  });
  if (!built.ok) return;
  plan.rebuild = { operation: built.operation, targets: built.targets };
  const ids = chosen.map((w) => w.instance.instance_id);
  const envelope = { ...baseEvent(s, null, version, built.operation.correlation_id), deploy_id: built.operation.id };
  plan.events.push(eventOf('deploy_started', envelope, { kind: 'deploy', instances: ids, reason: 'drift_rebuild' }));
  for (const { instance, isolation } of chosen) {
    const attempts = (isolation.rebuild?.attempts ?? 0) + 1;
    setIsolation(plan, instance.instance_id, { ...isolation, rebuild: { operation_id: built.operation.id, version, attempts, gave_up: false } });
    event(plan, s, instance, isolation, 'instance_rebuild_started', version, { deploy_id: built.operation.id, attempt: attempts });
  }
}

/**
 * The pin an instance had before its episode, when the episode's rebuild replaced it:
 *   pin null, rebuilt on v2 (the deployment pinned v2)         → null
 *   pin v1, rebuilt on v1                                       → unchanged (undefined)
 *   rebuilt on v2, then a whole-service deployment cleared pins → unchanged (undefined)
 */
export function pinToRestore(instance: Instance, isolation: InstanceIsolation): string | null | undefined {
  const rebuild = isolation.rebuild;
  if (rebuild === null || instance.pinned_version !== rebuild.version || instance.pinned_version === isolation.pinned_version) return undefined;
  return isolation.pinned_version;
}

function setIsolation(plan: DriftPlan, instanceId: string, isolation: InstanceIsolation | null): void {
  plan.isolations = plan.isolations.filter((i) => i.instance_id !== instanceId);
  plan.isolations.push({ instance_id: instanceId, isolation });
}

function baseEvent(s: DriftSnapshot, instanceId: string | null, version: string | null, correlationId: string): EventEnvelope {
  return { at: s.now, service: s.service.name, version, instance_id: instanceId, deploy_id: null, actor: DRIFT_ACTOR, correlation_id: correlationId };
}

function event<K extends keyof DriftEventDetails>(
  plan: DriftPlan,
  s: DriftSnapshot,
  instance: Instance,
  isolation: InstanceIsolation,
  type: K,
  version: string | null,
  details: DriftEventDetails[K],
): void {
  const correlationId = episodeCorrelationId(instance.instance_id, isolation.since);
  const detailsDeployId = (details as { deploy_id?: unknown }).deploy_id;
  const deployId = typeof detailsDeployId === 'string' ? detailsDeployId : null;
  plan.events.push(eventOf(type, { ...baseEvent(s, instance.instance_id, version, correlationId), deploy_id: deployId }, details as EventDetails[K]));
}
