/**
 * Test fixtures for the planner: builders for services, instances and operations, and a
 * fake fleet with real behaviour. The fake agent does what a node agent does with a goal
 * (install or reuse a kept release, switch, start, probe the version, report an outcome
 * for the goal's generation); `applyPlan` writes a plan the way the server's reconciler
 * does. Nothing here reads a clock: `now` is a plain number the test advances.
 */
import { buildOperation, type OperationRequest } from './build-operation.js';
import type { OperationPlan } from './operation-plan.js';
import { planOperation } from './plan-operation.js';
import { initialRollout } from '../types.js';
import type {
  AuditEvent,
  Instance,
  InstanceIsolation,
  InstanceObservation,
  Operation,
  OperationStatus,
  OperationTarget,
  Service,
  ServiceVersions,
  StrategySpec,
} from '../types.js';
import { isTerminal } from './status-sets.js';

export const T0 = Date.UTC(2025, 0, 1);

export function makeService(overrides: Partial<Service> = {}): Service {
  return {
    name: 'hello',
    start: 'node server.js',
    health_path: '/healthz',
    version_path: '/version',
    env: {},
    verify: [],
    strategy: null,
    drift_policy: 'rebuild',
    keep_releases: 5,
    drain_s: 5,
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
  return {
    operation_id: 'dep-1',
    instance_id: instanceId,
    from_version: from,
    to_version: to,
    status: 'pending',
    attempts: 0,
    generation: null,
    changed: false,
    started_at: null,
    healthy_at: null,
    updated_at: T0,
    reason: null,
    ...overrides,
  };
}

/** How one host's agent behaves. */
export interface AgentBehaviour {
  /** What installing a version the host never ran does. */
  install: 'succeeds' | 'sha256_mismatch' | 'version_mismatch';
  /** Install attempts that fail (download error, nothing switched) before `install` applies. */
  failFirst: number;
  /** Returning to a release kept on disk (a revert, a restart). */
  kept: 'succeeds' | 'fails';
  /** The agent never reports again (host down or partitioned). */
  silent: boolean;
  /** Agent ticks a goal takes before its outcome is reported. */
  latencyTicks: number;
  /** What the new package's version probe answers when `install` is `version_mismatch`. */
  probedVersion: string;
  /**
   * The service's verify checks on a version other than the one the instance first ran:
   * `always` fails them at install, `at_final_check` only when probed again in place.
   */
  verify: 'passes' | 'always' | 'at_final_check';
}

export const HEALTHY_AGENT: AgentBehaviour = { install: 'succeeds', failFirst: 0, kept: 'succeeds', silent: false, latencyTicks: 0, probedVersion: 'bogus', verify: 'passes' };

/** Agents for `instances`, healthy unless `overrides` says otherwise for an instance id. */
export function fakeAgents(instances: Iterable<Instance>, overrides: Record<string, Partial<AgentBehaviour>> = {}): FakeAgents {
  const behaviours = new Map(Object.entries(overrides).map(([id, b]) => [id, { ...HEALTHY_AGENT, ...b }]));
  return new FakeAgents(instances, behaviours);
}

interface AgentMemory {
  /** Releases on disk, ones this host ran, with what each one's version probe answers. */
  kept: Map<string, string>;
  /** Failed install attempts so far, counting toward `failFirst`. */
  failures: number;
  /** Generation being worked on and the tick work began. */
  working: { generation: number; since: number } | null;
  /** The release the instance's `current` link points at. */
  current: string | null;
  /** Versions whose `current` link this agent actually switched to, in order. */
  switchedTo: string[];
  /** The version the instance ran before any goal. */
  first: string | null;
}

/**
 * A fake node agent for a whole fleet. `tick` looks at every instance's goal and, when
 * its generation is newer than the achieved one, works on it as a real agent would.
 */
export class FakeAgents {
  private readonly memory = new Map<string, AgentMemory>();
  private ticks = 0;

  constructor(
    instances: Iterable<Instance>,
    private readonly behaviours: ReadonlyMap<string, AgentBehaviour> = new Map(),
  ) {
    for (const i of instances) {
      const kept = new Map<string, string>(i.observed?.version ? [[i.observed.version, i.observed.version]] : []);
      this.memory.set(i.instance_id, { kept, failures: 0, working: null, current: i.observed?.version ?? null, switchedTo: [], first: i.observed?.version ?? null });
    }
  }

  behaviourOf(instanceId: string): AgentBehaviour {
    return this.behaviours.get(instanceId) ?? HEALTHY_AGENT;
  }

  /** Every version the agent switched this instance's `current` link to. */
  switchedTo(instanceId: string): readonly string[] {
    return this.memory.get(instanceId)?.switchedTo ?? [];
  }

  tick(instances: Map<string, Instance>, now: number): void {
    this.ticks += 1;
    for (const instance of instances.values()) {
      const behaviour = this.behaviourOf(instance.instance_id);
      const memory = this.memory.get(instance.instance_id);
      if (behaviour.silent || memory === undefined) continue;
      const achieved = instance.observed?.achieved_generation ?? 0;
      if (instance.goal.generation <= achieved) continue;
      if (memory.working?.generation !== instance.goal.generation) memory.working = { generation: instance.goal.generation, since: this.ticks };
      if (this.ticks - memory.working.since < behaviour.latencyTicks) continue;
      memory.working = null;
      instance.observed = this.workOnGoal(instance, behaviour, memory, now);
    }
  }

  private workOnGoal(instance: Instance, behaviour: AgentBehaviour, memory: AgentMemory, now: number): InstanceObservation {
    const { version, generation } = instance.goal;
    const previous = instance.observed;
    const report = (o: Omit<InstanceObservation, 'achieved_generation' | 'at'>): InstanceObservation => ({ ...o, achieved_generation: generation, at: now });
    const outcome = (ok: boolean, code: string | null, switched: boolean) => ({
      generation,
      ok,
      code,
      message: code === null ? null : `${code} on ${instance.instance_id} for ${version ?? 'stop'}`,
      switched,
    });
    const unchanged = { status: previous?.status ?? 'stopped', version: previous?.version ?? null, pid: previous?.pid ?? null } as const;
    if (version === null) return report({ status: 'stopped', version: null, pid: null, outcome: outcome(true, null, false) });
    const probed = memory.kept.get(version);
    if (probed !== undefined) {
      const switched = this.switchTo(memory, version);
      if (behaviour.kept === 'fails') return report({ status: 'crashed', version: null, pid: null, outcome: outcome(false, 'start_failed', switched) });
      if (!switched && version !== memory.first && behaviour.verify === 'at_final_check') {
        return report({ ...unchanged, outcome: outcome(false, 'verify_failed', false) });
      }
      const ok = probed === version;
      return report({ status: 'ready', version: probed, pid: (previous?.pid ?? 1000) + 1, outcome: outcome(ok, ok ? null : 'version_mismatch', switched) });
    }
    if (memory.failures < behaviour.failFirst) {
      memory.failures += 1;
      return report({ ...unchanged, outcome: outcome(false, 'download_failed', false) });
    }
    // A sha256 mismatch is caught before the switch: the old process keeps serving.
    if (behaviour.install === 'sha256_mismatch') return report({ ...unchanged, outcome: outcome(false, 'sha256_mismatch', false) });
    const answers = behaviour.install === 'version_mismatch' ? behaviour.probedVersion : version;
    memory.kept.set(version, answers);
    this.switchTo(memory, version);
    const pid = (previous?.pid ?? 1000) + 1;
    if (behaviour.install === 'version_mismatch') {
      return report({ status: 'ready', version: behaviour.probedVersion, pid, outcome: outcome(false, 'version_mismatch', true) });
    }
    if (behaviour.verify === 'always') return report({ status: 'ready', version, pid, outcome: outcome(false, 'verify_failed', true) });
    return report({ status: 'ready', version, pid, outcome: outcome(true, null, true) });
  }

  /** Points `current` at `version`; true when that changed it. */
  private switchTo(memory: AgentMemory, version: string): boolean {
    if (memory.current === version) return false;
    memory.current = version;
    memory.switchedTo.push(version);
    return true;
  }
}

/** Everything one operation's planner sees, held in memory and changed only by `applyPlan`. */
export interface FleetState {
  operation: Operation;
  targets: OperationTarget[];
  instances: Map<string, Instance>;
  service: ServiceVersions;
  /** The service's verify checks; the planner only asks whether there are any. */
  verify: Service['verify'];
  drainS?: number;
  /** Open sessions per instance, as the session store would count them. */
  sessions?: Map<string, number>;
  events: AuditEvent[];
  now: number;
}

export { TERMINAL_OPERATION_STATUSES as TERMINAL_STATUSES } from './status-sets.js';

/** Builds an operation through `buildOperation`; throws when it is refused, since fixtures must be valid. */
export function startFleet(opts: {
  instances: Instance[];
  service?: Service;
  kind?: Operation['kind'];
  version?: string | null;
  instanceIds?: string[];
  strategy?: StrategySpec;
  timeout_s?: number;
  retry_count?: number;
  id?: string;
}): FleetState {
  const service = opts.service ?? makeService();
  const request: OperationRequest = {
    id: opts.id ?? 'dep-1',
    kind: opts.kind ?? 'deploy',
    service,
    version: opts.version === undefined ? '2.0.0' : opts.version,
    ...(opts.instanceIds ? { instanceIds: opts.instanceIds } : {}),
    instances: opts.instances,
    activeOperation: undefined,
    ...(opts.strategy ? { strategy: opts.strategy } : {}),
    ...(opts.timeout_s !== undefined ? { timeout_s: opts.timeout_s } : {}),
    ...(opts.retry_count !== undefined ? { retry_count: opts.retry_count } : {}),
    actor: 'alice',
    correlation_id: 'corr-1',
    now: T0,
  };
  const built = buildOperation(request);
  if (!built.ok) throw new Error(`fixture refused: ${built.code}: ${built.message}`);
  return {
    operation: built.operation,
    targets: built.targets,
    instances: new Map(opts.instances.map((i) => [i.instance_id, i])),
    service: { desired_version: service.desired_version, previous_version: service.previous_version },
    verify: service.verify,
    events: [],
    now: T0,
  };
}

export function planFor(state: FleetState): OperationPlan {
  return planOperation({
    operation: state.operation,
    targets: state.targets,
    instances: state.instances,
    service: { ...state.service, verify: state.verify, ...(state.drainS !== undefined ? { drain_s: state.drainS } : {}) },
    ...(state.sessions ? { openSessions: state.sessions } : {}),
    now: state.now,
  });
}

/** Writes a plan into the state as the server's reconciler writes it into the store. */
export function applyPlan(state: FleetState, plan: OperationPlan): void {
  const { now } = state;
  for (const { instance_id, goal } of plan.goals) {
    const instance = state.instances.get(instance_id);
    if (instance) instance.goal = { ...goal };
  }
  for (const { instance_id, ...patch } of plan.targets) {
    const target = state.targets.find((t) => t.instance_id === instance_id);
    if (target) Object.assign(target, patch, { updated_at: now });
  }
  for (const pin of plan.pins) {
    const instance = state.instances.get(pin.instance_id);
    if (instance) instance.pinned_version = pin.version;
  }
  if (plan.serviceVersions !== null) state.service = { ...plan.serviceVersions };
  if (plan.operation !== null) {
    const { status, reason, completed, rollout } = plan.operation;
    state.operation = {
      ...state.operation,
      status,
      rollout,
      ...(reason !== undefined ? { reason } : {}),
      ...(completed ? { completed_at: now } : {}),
      updated_at: now,
    };
  }
  for (const event of plan.events) state.events.push({ ...event, trace_id: event.trace_id ?? null, request_id: event.request_id ?? null, id: state.events.length + 1 });
}

/** One reconcile pass as the tests observe it: the state before, the plan, the state after. */
export interface Pass {
  before: FleetState;
  plan: OperationPlan;
  after: FleetState;
}

export function cloneState(state: FleetState): FleetState {
  return structuredClone(state);
}

/**
 * Drives an operation to the end: plan, apply, advance the clock by `stepMs`, let the
 * agents react, plan again; stops at a terminal status or after `maxPasses`.
 */
export function runToEnd(state: FleetState, agents: FakeAgents, opts: { stepMs?: number; maxPasses?: number; until?: (state: FleetState) => boolean } = {}): Pass[] {
  const stepMs = opts.stepMs ?? 1000;
  const maxPasses = opts.maxPasses ?? 500;
  const passes: Pass[] = [];
  for (let i = 0; i < maxPasses; i++) {
    const before = cloneState(state);
    const plan = planFor(state);
    applyPlan(state, plan);
    passes.push({ before, plan, after: cloneState(state) });
    if (isTerminal(state.operation.status) || opts.until?.(state)) break;
    state.now += stepMs;
    agents.tick(state.instances, state.now);
  }
  return passes;
}
