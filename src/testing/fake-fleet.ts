/**
 * Test support (not built): one operation driven end to end by the server's own code on
 * an in-memory store. Each pass is the reconcile loop's step for the operation
 * (`reconcileOperation`: the pure planner, then the real `applyOperationPlan` in one
 * transaction); between passes the fake clock moves and the fake agents report
 * observations to the store; controls go through the real `controlDeployment`. Tests
 * read a `FleetState`, a snapshot of what the store holds, taken after every step.
 */
import type { OperationPlan } from '../core/operations/operation-plan.js';
import { emptyPlan, isEmptyPlan } from '../core/operations/operation-plan.js';
import { buildOperation, type OperationRequest } from '../core/operations/build-operation.js';
import type { OperationControl } from '../core/operations/operation-controls.js';
import { planOperation } from '../core/operations/plan-operation.js';
import { isTerminal } from '../core/operations/status-sets.js';
import type { AuditEvent, Instance, InstanceObservation, Operation, OperationTarget, Service, ServiceVersions, Session, StrategySpec } from '../core/types.js';
import { controlDeployment } from '../server/features/deployments/control-deployment.js';
import { reconcileOperation } from '../server/reconciler/reconcile-operation.js';
import type { ServerContext } from '../server/server-context.js';
import { makeService, T0 } from './builders.js';
import type { FakeAgents } from './fake-agents.js';
import { inMemoryServerContext } from './in-memory-server-context.js';
import type { HollowBalancer } from './hollow-balancer.js';
import type { AnalysisJudgement } from '../core/analysis/analysis-spec.js';
import { TrafficSync } from '../server/traffic/traffic-sync.js';

/** What the store holds for one operation, as its planner sees it, at the fake clock's `now`. */
export interface FleetState {
  operation: Operation;
  targets: OperationTarget[];
  instances: Map<string, Instance>;
  service: ServiceVersions;
  /** The service's verify checks; the planner only asks whether there are any. */
  verify: Service['verify'];
  drainS: number;
  /** Open sessions per instance, as the store counts them now. */
  sessions: Map<string, number>;
  /** Every audit event in the store, oldest first. */
  events: AuditEvent[];
  now: number;
}

/** The server context a fleet's state lives in; kept aside so snapshots stay plain data. */
const contexts = new WeakMap<FleetState, FleetContext>();

interface FleetContext {
  ctx: ServerContext;
  clock: { now: number };
  /** The real traffic sync in front of a hollow balancer, for a service with `traffic`. */
  traffic?: TrafficSync;
  /** What the analysis sensor answers, as a test sets it. */
  analysis?: () => AnalysisJudgement | undefined;
}

function contextOf(state: FleetState): FleetContext {
  const found = contexts.get(state);
  if (found === undefined) throw new Error('not a fleet state made by startFleet');
  return found;
}

/** Every audit event the fleet's store holds, however many. */
const ALL_EVENTS = Number.MAX_SAFE_INTEGER;

/**
 * Every audit event in the store: the snapshot's own and those appended since. The store
 * appends in id order and stamps events with the fake clock, which never goes back, so
 * the new ones are at or after the snapshot's `now`.
 */
async function eventsAfter(ctx: ServerContext, known: FleetState | undefined): Promise<AuditEvent[]> {
  if (known === undefined) return ctx.store.listAudit({ limit: ALL_EVENTS });
  const lastId = known.events.at(-1)?.id ?? 0;
  const recent = await ctx.store.listAudit({ since: known.now, limit: ALL_EVENTS });
  return [...known.events, ...recent.filter((e) => e.id > lastId)];
}

/** Reads the fleet from its store into `into` (or a new snapshot). */
async function readFleet(ctx: ServerContext, operationId: string, now: number, into?: FleetState): Promise<FleetState> {
  const operation = await ctx.store.getOperation(operationId);
  if (operation === undefined) throw new Error(`operation ${operationId} vanished from the store`);
  const service = await ctx.store.getService(operation.service);
  if (service === undefined) throw new Error(`service ${operation.service} vanished from the store`);
  const [targets, instances, events, sessions] = await Promise.all([
    ctx.store.listTargets(operationId),
    ctx.store.listInstances({ service: operation.service }),
    eventsAfter(ctx, into),
    ctx.store.countOpenSessionsByInstance(operation.service, now),
  ]);
  const snapshot: FleetState = {
    operation,
    targets,
    instances: new Map(instances.map((i) => [i.instance_id, i])),
    service: { desired_version: service.desired_version, previous_version: service.previous_version },
    verify: service.verify,
    drainS: service.drain_s,
    sessions: new Map(Object.entries(sessions)),
    events,
    now,
  };
  return into === undefined ? snapshot : Object.assign(into, snapshot);
}

/** Stores the service and instances and an operation built by `buildOperation`; throws when it is refused, since fixtures must be valid. */
export async function startFleet(opts: {
  instances: Instance[];
  service?: Service;
  kind?: Operation['kind'];
  version?: string | null;
  instanceIds?: string[];
  strategy?: StrategySpec;
  timeout_s?: number;
  retry_count?: number;
  id?: string;
  /** The reason the operation starts with (a triggered rollback's). */
  reason?: Operation['reason'];
  /** The balancer in front of the instances; the service should declare `traffic`. */
  balancer?: HollowBalancer;
  /** The operation's analysis judgement, read at every pass (a test changes what it returns). */
  analysis?: () => AnalysisJudgement | undefined;
}): Promise<FleetState> {
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
  if (opts.reason !== undefined) built.operation.reason = opts.reason;
  const clock = { now: T0 };
  const ctx = inMemoryServerContext(() => clock.now);
  await ctx.store.transaction(async (tx) => {
    await tx.putService(service);
    for (const instance of opts.instances) await tx.insertInstance(instance);
    await tx.insertOperation(built.operation, built.targets);
  });
  const state = await readFleet(ctx, built.operation.id, clock.now);
  const balancer = opts.balancer;
  const traffic = balancer === undefined ? undefined : new TrafficSync({ store: ctx.store, log: ctx.log, now: () => clock.now, createAdapter: () => balancer, retryMs: 5_000 });
  contexts.set(state, { ctx, clock, ...(traffic ? { traffic } : {}), ...(opts.analysis ? { analysis: opts.analysis } : {}) });
  return state;
}

/** What the planner would decide for the state as it stands; decides only, writes nothing. */
export function planFor(state: FleetState): OperationPlan {
  return planOperation({
    operation: state.operation,
    targets: state.targets,
    instances: state.instances,
    service: { ...state.service, verify: state.verify, drain_s: state.drainS },
    ...(state.drainS > 0 ? { openSessions: state.sessions } : {}),
    now: state.now,
  });
}

/** One reconcile pass as the tests observe it: the state before, the plan, the state after. */
export interface Pass {
  before: FleetState;
  plan: OperationPlan;
  after: FleetState;
}

/** Runs the reconcile loop's step for the fleet's operation at the fake clock's time and refreshes `state`. */
export async function reconcilePass(state: FleetState): Promise<Pass> {
  const { ctx, clock, traffic, analysis } = contextOf(state);
  clock.now = state.now;
  const before = structuredClone(state);
  // As the reconcile loop does: the balancer gets unconfirmed intents before the pass, new ones right after it.
  const synced = (await traffic?.syncAll()) ?? false;
  const sensors = {
    ...(traffic === undefined ? {} : { connections: (service: string) => traffic.connections(service) }),
    ...(analysis === undefined ? {} : { analysis: async () => analysis() }),
  };
  const step = await reconcileOperation(ctx.store, ctx.events, state.operation.id, () => clock.now, sensors);
  const plan = step?.plan ?? emptyPlan();
  if (plan.traffic.length > 0) await traffic?.syncAll();
  // An empty plan wrote nothing, so the state read before the pass is still the store's.
  if (!isEmptyPlan(plan) || synced) await readFleet(ctx, state.operation.id, clock.now, state);
  return { before, plan, after: structuredClone(state) };
}

/** Moves the fake clock and lets every agent report what it did with its goal; only instances change. */
async function tickAgents(state: FleetState, agents: FakeAgents, stepMs: number): Promise<void> {
  const { ctx } = contextOf(state);
  state.now += stepMs;
  const reports = agents.tick(state.instances.values(), state.now);
  if (reports.length === 0) return;
  const instances = await ctx.store.transaction(async (tx) => {
    for (const { instance_id, observation } of reports) await tx.recordObservation(instance_id, observation);
    return tx.listInstances({ service: state.operation.service });
  });
  state.instances = new Map(instances.map((i) => [i.instance_id, i]));
}

/**
 * Drives the operation to the end: a reconcile pass, advance the clock by `stepMs`, let
 * the agents react, again; stops at a terminal status, when `until` holds, or after
 * `maxPasses`.
 */
export async function runToEnd(state: FleetState, agents: FakeAgents, opts: { stepMs?: number; maxPasses?: number; until?: (state: FleetState) => boolean } = {}): Promise<Pass[]> {
  const stepMs = opts.stepMs ?? 1000;
  const maxPasses = opts.maxPasses ?? 500;
  const passes: Pass[] = [];
  for (let i = 0; i < maxPasses; i++) {
    passes.push(await reconcilePass(state));
    if (isTerminal(state.operation.status) || opts.until?.(state)) break;
    await tickAgents(state, agents, stepMs);
  }
  return passes;
}

/** An operator's pause, resume, promote or abort through the server's own control path; throws when refused. */
export async function controlFleet(state: FleetState, control: OperationControl, actor = 'bob'): Promise<void> {
  const { ctx, clock } = contextOf(state);
  clock.now = state.now;
  await controlDeployment(ctx, state.operation.id, control, { actor, correlationId: 'corr-control' });
  await readFleet(ctx, state.operation.id, clock.now, state);
}

/** An agent's report that `instanceId` now looks like `observation` (a crash, say), recorded as the report route records it. */
export async function reportObservation(state: FleetState, instanceId: string, observation: InstanceObservation): Promise<void> {
  const { ctx } = contextOf(state);
  await ctx.store.recordObservation(instanceId, observation);
  await readFleet(ctx, state.operation.id, state.now, state);
}

/** Makes the service drain for `drainS` before replacing an instance. */
export async function drainBeforeReplace(state: FleetState, drainS: number): Promise<void> {
  const { ctx } = contextOf(state);
  const service = await ctx.store.getService(state.operation.service);
  if (service === undefined) throw new Error('fleet without a service');
  await ctx.store.putService({ ...service, drain_s: drainS });
  await readFleet(ctx, state.operation.id, state.now, state);
}

let sessionCounter = 0;

/** Opens sessions on `instanceId` or ends them, until the store counts `count` open ones there. */
export async function setOpenSessions(state: FleetState, instanceId: string, count: number): Promise<void> {
  const { ctx } = contextOf(state);
  const instance = state.instances.get(instanceId);
  if (instance === undefined) throw new Error(`no instance ${instanceId}`);
  const open = state.sessions.get(instanceId) ?? 0;
  const toOpen: Session[] = [];
  for (let i = open; i < count; i++) {
    sessionCounter += 1;
    toOpen.push({
      session_id: `ses-${sessionCounter}`,
      service: instance.service,
      tenant_id: null,
      instance_id: instanceId,
      host: instance.host,
      address: '127.0.0.1',
      port: instance.port,
      runtime_version: instance.observed?.version ?? 'none',
      created_at: state.now,
      expires_at: Number.MAX_SAFE_INTEGER,
      ended_at: null,
    });
  }
  await ctx.store.insertSessions(toOpen);
  if (count < open) await endSessions(ctx, instanceId, open - count, state.now);
  await readFleet(ctx, state.operation.id, state.now, state);
}

async function endSessions(ctx: ServerContext, instanceId: string, howMany: number, now: number): Promise<void> {
  let ended = 0;
  for (let id = 1; id <= sessionCounter && ended < howMany; id++) {
    const session = await ctx.store.getSession(`ses-${id}`);
    if (session?.instance_id !== instanceId || session.ended_at !== null) continue;
    await ctx.store.endSession(session.session_id, now);
    ended += 1;
  }
}
