/**
 * Test support (not built): the one set of entity builders. `make*` give the smallest
 * valid values planner and feature scenarios start from (service `hello`, instances
 * i1…iN running a version, time T0); `sample-entities.ts` fills every optional field on
 * top of them for the store's round trips. Nothing here reads a clock.
 */
import { pendingTarget } from '../core/operations/build-operation.js';
import { initialRollout } from '../core/types.js';
import type { Instance, InstanceIsolation, InstanceObservation, Operation, OperationTarget, Service } from '../core/types.js';

export const T0 = Date.UTC(2025, 0, 1);

export function makeService(overrides: Partial<Service> = {}): Service {
  return {
    name: 'hello',
    start: 'node server.js',
    health_path: '/healthz',
    version_path: '/version',
    version_check: null,
    env: {},
    verify: [],
    strategy: null,
    drift_policy: 'rebuild',
    keep_releases: 5,
    drain_s: 5,
    oncall: null,
    runbooks: {},
    readiness: null,
    replay: null,
    replay_after_rollback: null,
    channels: {},
    traffic: null,
    analysis: null,
    rollback_triggers: null,
    rollback_batch_percent: null,
    desired_version: null,
    previous_version: null,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

/** An instance that runs `version` (ready, goal achieved), or a fresh one when version is null. */
export function makeInstance(id: string, version: string | null, overrides: Partial<Instance> = {}): Instance {
  const generation = version === null ? 0 : 1;
  const observed: InstanceObservation | null =
    version === null
      ? null
      : { status: 'ready', version, pid: 1000, achieved_generation: generation, outcome: { generation, ok: true, code: null, message: null, switched: true }, at: T0 };
  return {
    instance_id: id,
    service: 'hello',
    host: `host-${id}`,
    port: 7000,
    pinned_version: null,
    goal: { version, generation, action: 'run', timeout_s: 120 },
    observed,
    removed_at: null,
    isolation: null,
    replay_hold: null,
    traffic: null,
    created_at: T0,
    ...overrides,
  };
}

/** A drift isolation: quarantined under `rebuild` for answering 0.9.0 where 1.0.0 was expected. */
export function makeIsolation(overrides: Partial<InstanceIsolation> = {}): InstanceIsolation {
  return {
    status: 'quarantined',
    policy: 'rebuild',
    reason: { code: 'version_mismatch', message: 'answered 0.9.0, expected 1.0.0' },
    expected_version: '1.0.0',
    observed_version: '0.9.0',
    since: T0,
    pinned_version: null,
    rebuild: null,
    ...overrides,
  };
}

/** `count` instances named i1…iN, all running `version`. */
export function makeInstances(count: number, version: string | null): Instance[] {
  return Array.from({ length: count }, (_, i) => makeInstance(`i${i + 1}`, version));
}

export function makeOperation(overrides: Partial<Operation> = {}): Operation {
  return {
    id: 'dep-1',
    kind: 'deploy',
    service: 'hello',
    version: '2.0.0',
    whole_service: true,
    status: 'pending',
    reason: null,
    strategy: { type: 'all_at_once' },
    timeout_s: 30,
    retry_count: 0,
    auto_rollback: true,
    rollout: initialRollout(T0),
    actor: 'alice',
    correlation_id: 'corr-1',
    created_at: T0,
    updated_at: T0,
    completed_at: null,
    ...overrides,
  };
}

export function makeTarget(instanceId: string, from: string | null, to: string | null, overrides: Partial<OperationTarget> = {}): OperationTarget {
  return { ...pendingTarget('dep-1', instanceId, from, to, T0), ...overrides };
}
