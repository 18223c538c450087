/**
 * Turns a request for a deployment, restart or rollback into an operation and its
 * per-instance targets, or refuses it. Pure: the caller loads the service, its
 * instances and the active operation, and supplies the id and `now`.
 */
import { refuse, type Decision } from '../result.js';
import { initialRollout, type Instance, type Operation, type OperationKind, type OperationTarget, type Service, type StrategySpec } from '../types.js';
import { expectedVersion } from '../instances/instance-status.js';
import { checkTrafficDeclaration } from '../traffic/check-traffic-declaration.js';
import { DEFAULT_CANARY, DEFAULT_STRATEGY, healthyDeadlineS, resolveCanaryDefaults, type CanaryDefaults } from './strategy.js';

export interface OperationRequest {
  id: string;
  kind: OperationKind;
  service: Service;
  /** Target version; null for a restart. */
  version: string | null;
  /** Instance ids asked for; undefined = the whole service. */
  instanceIds?: string[];
  /** Every live instance of the service. */
  instances: Instance[];
  /** The service's active operation, if any: the holder of its lock. */
  activeOperation: Operation | undefined;
  strategy?: StrategySpec;
  /** What a canary without steps means (RELEASE_CANARY_RATIO, RELEASE_CANARY_DURATION_MIN). */
  canaryDefaults?: CanaryDefaults;
  timeout_s?: number;
  retry_count?: number;
  actor: string;
  correlation_id: string;
  now: number;
}

export function buildOperation(req: OperationRequest): Decision<{ operation: Operation; targets: OperationTarget[] }> {
  if (req.activeOperation !== undefined) return lockRefusal(req.activeOperation);
  const chosen = chooseInstances(req);
  if (!chosen.ok) return chosen;
  const strategy = resolveCanaryDefaults(req.strategy ?? req.service.strategy ?? DEFAULT_STRATEGY, req.canaryDefaults ?? DEFAULT_CANARY);
  const declared = checkTrafficDeclaration({ traffic: req.service.traffic ?? null, analysis: null, strategy });
  if (!declared.ok) return refuse('input', declared.reason, declared.message);
  const targets: OperationTarget[] = [];
  for (const instance of chosen.instances) {
    const from = returnVersion(instance, req.service.desired_version);
    const to = req.kind === 'restart' ? from : req.version;
    if (req.kind === 'restart' && to === null) {
      return refuse('unprocessable', 'nothing_to_restart', `instance ${instance.instance_id} runs no version yet, so there is nothing to restart`);
    }
    targets.push(pendingTarget(req.id, instance.instance_id, from, to, req.now));
  }
  const operation: Operation = {
    id: req.id,
    kind: req.kind,
    service: req.service.name,
    version: req.version,
    whole_service: req.instanceIds === undefined,
    status: 'pending',
    reason: null,
    strategy,
    timeout_s: req.timeout_s ?? healthyDeadlineS(strategy),
    retry_count: req.retry_count ?? 0,
    // A restart keeps each version and a rollback is itself the way back: neither reverts.
    auto_rollback: req.kind === 'deploy' && (strategy.auto_rollback ?? true),
    rollout: initialRollout(req.now),
    actor: req.actor,
    correlation_id: req.correlation_id,
    created_at: req.now,
    updated_at: req.now,
    completed_at: null,
  };
  return { ok: true, operation, targets };
}

/**
 * The version a revert returns an instance to: its goal's version, unless that goal
 * failed. The agent returns a failed instance to where it was (or never left it), so
 * such a goal names a version the instance does not run; it then runs what it should
 * while no operation changes it: its pin, else the desired version.
 *   goal v2 achieved                       → v2
 *   goal v3 failed on sha256, desired v2   → v2
 */
function returnVersion(instance: Instance, desiredVersion: string | null): string | null {
  const outcome = instance.observed?.outcome;
  const goalFailed = outcome !== undefined && outcome !== null && outcome.generation === instance.goal.generation && !outcome.ok;
  return goalFailed ? expectedVersion(instance, desiredVersion) : instance.goal.version;
}

function chooseInstances(req: OperationRequest): Decision<{ instances: Instance[] }> {
  if (req.instanceIds === undefined) {
    if (req.instances.length === 0) {
      return refuse('unprocessable', 'no_instances', `service ${req.service.name} has no instances; declare them with PUT /api/v1/services/${req.service.name}`, {
        service: req.service.name,
      });
    }
    return { ok: true, instances: req.instances };
  }
  if (req.instanceIds.length === 0) return refuse('input', 'invalid_instances', 'instances must name at least one instance');
  const byId = new Map(req.instances.map((i) => [i.instance_id, i]));
  const instances: Instance[] = [];
  for (const id of new Set(req.instanceIds)) {
    const instance = byId.get(id);
    if (instance === undefined) {
      return refuse('not_found', 'instance_not_found', `instance ${id} is not an instance of service ${req.service.name}`, { instance_id: id });
    }
    instances.push(instance);
  }
  return { ok: true, instances };
}

/** 409 naming the holder, so the caller knows what to wait for or abort. */
export function lockRefusal(holder: Operation) {
  const noun = holder.kind === 'rollback' ? 'rollback' : holder.kind === 'restart' ? 'restart' : 'deployment';
  return refuse('conflict', 'service_locked', `service ${holder.service} is locked by ${noun} ${holder.id} (${holder.status}, started by ${holder.actor})`, {
    holder: { id: holder.id, kind: holder.kind, status: holder.status, actor: holder.actor, since: new Date(holder.created_at).toISOString() },
  });
}

/** A target as an operation starts it: nothing attempted, no goal generation yet. */
export function pendingTarget(operationId: string, instanceId: string, from: string | null, to: string | null, now: number): OperationTarget {
  return {
    operation_id: operationId,
    instance_id: instanceId,
    from_version: from,
    to_version: to,
    status: 'pending',
    attempts: 0,
    generation: null,
    changed: false,
    started_at: null,
    healthy_at: null,
    updated_at: now,
    reason: null,
  };
}
