/**
 * Safety properties of the planner over random fleets, strategies and agent behaviours
 * (Nomad's "failed deployments never result in new deployments", and friends). Each run
 * drives one operation to its end with the fake clock and fake agents, keeping every
 * pass (state before, plan, state after) so the properties can look at transitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Instance, OperationKind, OperationStatus, StrategySpec } from '../types.js';
import { makeInstance, makeService } from '../../testing/builders.js';
import { fakeAgents, HEALTHY_AGENT, type AgentBehaviour, type FakeAgents } from '../../testing/fake-agents.js';
import { runToEnd, startFleet, type FleetState, type Pass } from '../../testing/fake-fleet.js';
import { TERMINAL_OPERATION_STATUSES } from './status-sets.js';
import { batchSize, canaryStepCounts } from './strategy.js';
import { SERVER_DEADLINE_SLACK_MS } from './target-progress.js';

interface Scenario {
  versions: Array<string | null>;
  pinned: boolean[];
  behaviours: AgentBehaviour[];
  kind: OperationKind;
  /** Indexes of the instances named; null = whole service. */
  subset: number[] | null;
  strategy: StrategySpec;
  retryCount: number;
  timeoutS: number;
  stepMs: number;
  desired: string | null;
  /** Whether the service declares verify checks (a fleet-wide check ends each run). */
  verifyChecks: boolean;
}

const behaviourArb: fc.Arbitrary<AgentBehaviour> = fc.record({
  install: fc.constantFrom<AgentBehaviour['install']>('succeeds', 'succeeds', 'succeeds', 'sha256_mismatch', 'version_mismatch'),
  failFirst: fc.constantFrom(0, 0, 0, 1, 2),
  kept: fc.constantFrom<AgentBehaviour['kept']>('succeeds', 'succeeds', 'succeeds', 'fails'),
  silent: fc.constantFrom(false, false, false, false, true),
  latencyTicks: fc.integer({ min: 0, max: 3 }),
  probedVersion: fc.constantFrom('bogus', '1.0.0'),
  verify: fc.constantFrom<AgentBehaviour['verify']>('passes', 'passes', 'always', 'at_final_check'),
});

const strategyArb: fc.Arbitrary<StrategySpec> = fc.oneof(
  fc.constant<StrategySpec>({ type: 'all_at_once' }),
  fc.record({ type: fc.constant('rolling' as const), batch_size: fc.integer({ min: 1, max: 14 }) }),
  fc.record({ type: fc.constant('rolling' as const), batch_percent: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ type: fc.constant('all_at_once' as const), auto_rollback: fc.boolean() }),
  fc.record({ type: fc.constant('rolling' as const), batch_size: fc.integer({ min: 1, max: 4 }), min_healthy_time_s: fc.integer({ min: 0, max: 8 }) }),
  // Canary steps without promotion pauses, so a run ends by itself; promotion has its own scenarios.
  fc.record({
    type: fc.constant('canary' as const),
    steps: fc.array(fc.oneof(fc.record({ instances: fc.integer({ min: 1, max: 6 }), pause_s: fc.integer({ min: 0, max: 5 }) }), fc.record({ percent: fc.integer({ min: 1, max: 100 }) })), { minLength: 1, maxLength: 3 }),
    batch_size: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  }),
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    versions: fc.array(fc.constantFrom<string | null>('1.0.0', '1.0.0', '1.0.0', '0.9.0', null), { minLength: n, maxLength: n }),
    pinned: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    behaviours: fc.array(fc.oneof({ weight: 2, arbitrary: fc.constant(HEALTHY_AGENT) }, { weight: 3, arbitrary: behaviourArb }), { minLength: n, maxLength: n }),
    kind: fc.constantFrom<OperationKind>('deploy', 'deploy', 'deploy', 'restart', 'rollback'),
    subset: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n }), { nil: null }),
    strategy: strategyArb,
    retryCount: fc.integer({ min: 0, max: 2 }),
    timeoutS: fc.integer({ min: 1, max: 10 }),
    stepMs: fc.integer({ min: 500, max: 6000 }),
    desired: fc.constantFrom<string | null>('1.0.0', null),
    verifyChecks: fc.boolean(),
  }),
);

interface Run {
  scenario: Scenario;
  state: FleetState;
  initial: FleetState;
  agents: FakeAgents;
  passes: Pass[];
  maxPasses: number;
}

function instancesFor(s: Scenario): Instance[] {
  return s.versions.map((v, i) => makeInstance(`i${i + 1}`, v, { pinned_version: s.pinned[i] && v !== null ? v : null }));
}

async function execute(s: Scenario): Promise<Run> {
  const instances = instancesFor(s);
  let ids = s.subset?.map((i) => `i${i + 1}`);
  // A restart needs a running version on every instance it names; choose those.
  const running = (id: string) => instances.find((i) => i.instance_id === id)?.goal.version != null;
  if (s.kind === 'restart' && (ids !== undefined || !instances.every((i) => running(i.instance_id)))) {
    ids = (ids ?? instances.map((i) => i.instance_id)).filter(running);
  }
  const kind = s.kind === 'restart' && ids?.length === 0 ? 'deploy' : s.kind;
  if (ids?.length === 0) ids = undefined;
  const version = kind === 'restart' ? null : kind === 'rollback' ? '0.8.0' : '2.0.0';
  const state = await startFleet({
    instances,
    service: makeService({ desired_version: s.desired, previous_version: s.desired ? '0.8.0' : null, verify: s.verifyChecks ? [{ path: '/check' }] : [] }),
    kind,
    version,
    ...(ids ? { instanceIds: ids } : {}),
    strategy: s.strategy,
    timeout_s: s.timeoutS,
    retry_count: s.retryCount,
  });
  const initial = structuredClone(state);
  const agents = fakeAgents(
    state.instances.values(),
    Object.fromEntries(s.behaviours.map((b, i) => [`i${i + 1}`, b])),
  );
  // Every attempt ends by the deadline at the latest; batches, retries and one revert bound the run.
  const deadlinePasses = Math.ceil((s.timeoutS * 1000 + SERVER_DEADLINE_SLACK_MS) / s.stepMs) + 2;
  // Health gates (≤ 8 s) and timed canary pauses (≤ 3 × 5 s) add waiting; the fleet-wide verify adds one more attempt.
  const waitingPasses = Math.ceil(23_000 / s.stepMs) + 1;
  const maxPasses = s.versions.length * (s.retryCount + 1) * (deadlinePasses + waitingPasses + 4) + 2 * deadlinePasses + 10;
  const passes = await runToEnd(state, agents, { stepMs: s.stepMs, maxPasses });
  return { scenario: s, state, initial, agents, passes, maxPasses };
}

const NUM_RUNS = 300;
/**
 * One seed for every property, so each sees the same scenarios and a scenario runs once:
 * its first check judges it by every property and keeps the verdicts (small, unlike the
 * runs). fast-check prints the seed of a failure; a shrunk scenario is simply a new one.
 */
const SEED = Math.floor(Math.random() * 0x7fffffff);
const verdicts = new Map<string, Array<unknown>>();

async function verdictsFor(scenario: Scenario): Promise<Array<unknown>> {
  const key = JSON.stringify(scenario);
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const run = await execute(scenario);
  const judged = PROPERTIES.map(([, property]) => {
    try {
      property(run);
      return null;
    } catch (failure) {
      return failure;
    }
  });
  verdicts.set(key, judged);
  return judged;
}

/** Each scenario runs through the server's reconcile step and applier on an in-memory store. */
function check(index: number): Promise<void> {
  return fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const failure = (await verdictsFor(scenario))[index];
      if (failure !== null) throw failure;
    }),
    { numRuns: NUM_RUNS, seed: SEED },
  );
}

const anyFailed = (state: FleetState) => state.targets.some((t) => t.status === 'failed');

/** Each safety property of the planner, by name, over one run. */
const PROPERTIES: Array<[string, (run: Run) => void]> = [
  [
    '(a) a deployment never has more than batchSize targets changing at once, nor more started than its canary step allows',
    ({ state, passes }) => {
      if (state.operation.kind === 'rollback') return;
      const limit = batchSize(state.operation.strategy, state.targets.length);
      const steps = state.operation.kind === 'deploy' ? canaryStepCounts(state.operation.strategy, state.targets.length) : [];
      for (const p of passes) {
        expect(p.after.targets.filter((t) => t.status === 'deploying' || t.status === 'healthy').length).toBeLessThanOrEqual(limit);
        const stepLimit = steps[p.after.operation.rollout.steps_done];
        if (stepLimit !== undefined) expect(p.after.targets.filter((t) => t.status !== 'pending' && t.status !== 'skipped').length).toBeLessThanOrEqual(stepLimit);
      }
    },
  ],
  [
    '(b) once a target has failed, no target goes pending → deploying and no untouched instance gets a goal',
    ({ passes }) => {
      for (const p of passes) {
        if (!anyFailed(p.before) && !anyFailed(p.after)) continue;
        for (const change of p.plan.targets) {
          const was = p.before.targets.find((t) => t.instance_id === change.instance_id)?.status;
          expect(was === 'pending' && change.status === 'deploying').toBe(false);
        }
        for (const goal of p.plan.goals) {
          const now = p.after.targets.find((t) => t.instance_id === goal.instance_id)?.status;
          expect(['deploying', 'reverting']).toContain(now);
        }
      }
    },
  ],
  [
    '(c) a revert touches exactly the targets with changed=true, once, and they cover every instance the agent switched',
    ({ state, passes, agents }) => {
      const revertPasses = passes.filter((p) => p.plan.targets.some((t) => t.status === 'reverting'));
      expect(revertPasses.length).toBeLessThanOrEqual(1);
      const revert = revertPasses[0];
      if (revert === undefined) {
        expect(passes.some((p) => p.after.operation.status === 'rolling_back')).toBe(false);
        return;
      }
      expect(revert.plan.operation?.status).toBe('rolling_back');
      const reverting = revert.after.targets.filter((t) => t.status === 'reverting').map((t) => t.instance_id);
      const changed = revert.after.targets.filter((t) => t.changed).map((t) => t.instance_id);
      expect(reverting).toEqual(changed);
      for (const t of state.targets) if (agents.switchedTo(t.instance_id).length > 0) expect(t.changed).toBe(true);
      if (state.operation.status === 'rolled_back') {
        for (const t of state.targets.filter((t) => t.changed)) {
          expect(state.instances.get(t.instance_id)?.observed?.version ?? null).toBe(t.from_version);
        }
      }
    },
  ],
  [
    '(d) the desired version moves only when a whole-service, non-restart operation succeeds',
    ({ state, initial, passes }) => {
      const op = state.operation;
      const moves = op.status === 'succeeded' && op.whole_service && op.kind !== 'restart';
      for (const p of passes) {
        if (p.plan.serviceVersions === null) continue;
        expect(moves).toBe(true);
        expect(p.plan.operation?.status).toBe('succeeded');
      }
      if (!moves) {
        expect(state.service).toEqual(initial.service);
        return;
      }
      expect(state.service.desired_version).toBe(op.version);
      const replaced = initial.service.desired_version;
      expect(state.service.previous_version).toBe(replaced === op.version ? initial.service.previous_version : (replaced ?? initial.service.previous_version));
      expect([...state.instances.values()].every((i) => i.pinned_version === null)).toBe(true);
    },
  ],
  [
    '(e) every run ends succeeded, failed or rolled_back within a bounded number of passes',
    ({ state, passes, maxPasses }) => {
      expect(passes.length).toBeLessThanOrEqual(maxPasses);
      expect(TERMINAL_OPERATION_STATUSES).toContain(state.operation.status);
      expect(['succeeded', 'failed', 'rolled_back']).toContain(state.operation.status);
      expect(state.operation.completed_at).not.toBeNull();
      const ends: OperationStatus[] = ['succeeded', 'failed', 'rolled_back'];
      // Exactly one pass ends it, and it is the last one.
      expect(passes.filter((p) => p.plan.operation && ends.includes(p.plan.operation.status))).toHaveLength(1);
      expect(ends).toContain(passes.at(-1)?.plan.operation?.status);
      if (state.operation.status === 'succeeded') expect(state.targets.every((t) => t.status === 'succeeded')).toBe(true);
      else expect(state.operation.reason?.code).toEqual(expect.any(String));
    },
  ],
  [
    '(f) every audit event belongs to the operation: deploy_id, actor and correlation id',
    ({ state }) => {
      expect(state.events.length).toBeGreaterThan(0);
      for (const e of state.events) {
        expect(e.deploy_id).toBe(state.operation.id);
        expect(e.actor).toBe(state.operation.actor);
        expect(e.correlation_id).toBe(state.operation.correlation_id);
      }
    },
  ],
];

describe('planOperation properties', () => {
  it.each(PROPERTIES.map(([name], index) => [name, index] as const))('%s', async (_name, index) => {
    await check(index);
  });
});
