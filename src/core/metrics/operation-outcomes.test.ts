/**
 * Which counter an event feeds, checked on the events the real planner writes: each
 * scenario drives one operation to its end with the fake clock and fake agents, then
 * maps every event it wrote. A property test checks the counting rule over random
 * fleets: an ended deployment or restart is counted exactly once, with its real duration.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventOf, type FerryEvent } from '../events/event-catalogue.js';
import { makeInstances, makeService, T0 } from '../../testing/builders.js';
import { fakeAgents, HEALTHY_AGENT, type AgentBehaviour } from '../../testing/fake-agents.js';
import { runToEnd, startFleet, type FleetState } from '../../testing/fake-fleet.js';
import type { OperationKind } from '../types.js';
import { operationOutcomeOf, type OperationOutcome } from './operation-outcomes.js';

async function outcomesOfRun(state: FleetState, behaviours: Record<string, Partial<AgentBehaviour>> = {}, stepMs = 1000): Promise<OperationOutcome[]> {
  await runToEnd(state, fakeAgents(state.instances.values(), behaviours), { stepMs });
  return state.events.map((e) => operationOutcomeOf(e as unknown as FerryEvent)).filter((o): o is OperationOutcome => o !== null);
}

const allAtOnce = { type: 'all_at_once' } as const;
const endSeconds = (state: FleetState) => ((state.operation.completed_at ?? NaN) - T0) / 1000;

describe('operationOutcomeOf on the planner’s own events', () => {
  it('a deployment that succeeds counts one succeeded deploy, lasting from creation to end', async () => {
    const state = await startFleet({ instances: makeInstances(3, '1.0.0'), strategy: allAtOnce });
    const outcomes = await outcomesOfRun(state);
    expect(outcomes).toEqual([{ metric: 'deployment', service: 'hello', kind: 'deploy', result: 'succeeded', duration_s: endSeconds(state) }]);
    expect(endSeconds(state)).toBeGreaterThan(0);
  });

  it('a restart that succeeds counts as kind restart', async () => {
    const state = await startFleet({ instances: makeInstances(2, '1.0.0'), kind: 'restart', version: null, strategy: allAtOnce });
    expect(await outcomesOfRun(state)).toEqual([{ metric: 'deployment', service: 'hello', kind: 'restart', result: 'succeeded', duration_s: endSeconds(state) }]);
  });

  it('a failed deployment reverted automatically counts one auto rollback and one rolled_back deployment', async () => {
    const state = await startFleet({ instances: makeInstances(3, '1.0.0'), strategy: allAtOnce, timeout_s: 30 });
    const outcomes = await outcomesOfRun(state, { i3: { install: 'version_mismatch' } });
    expect(state.operation.status).toBe('rolled_back');
    expect(outcomes.map((o) => [o.metric, o.result, 'trigger' in o ? o.trigger : o.kind])).toEqual([
      ['rollback', 'succeeded', 'auto'],
      ['deployment', 'rolled_back', 'deploy'],
    ]);
    const [revert, deployment] = outcomes;
    // The revert started after the deployment did, so it is shorter than the whole operation.
    expect(revert!.duration_s).toBeGreaterThan(0);
    expect(revert!.duration_s).toBeLessThan(deployment!.duration_s);
  });

  it('an automatic revert that also fails counts one failed auto rollback and one failed deployment', async () => {
    const state = await startFleet({ instances: makeInstances(1, '1.0.0'), strategy: allAtOnce, timeout_s: 5 });
    const outcomes = await outcomesOfRun(state, { i1: { silent: true } });
    expect(state.operation.status).toBe('failed');
    expect(outcomes.map((o) => [o.metric, o.result])).toEqual([
      ['rollback', 'failed'],
      ['deployment', 'failed'],
    ]);
    expect(outcomes[0]).toMatchObject({ trigger: 'auto' });
  });

  it('a rollback operation that fails counts one failed manual rollback and no deployment', async () => {
    const service = makeService({ desired_version: '2.0.0', previous_version: '1.0.0' });
    const state = await startFleet({ instances: makeInstances(2, '2.0.0'), service, kind: 'rollback', version: '1.0.0', strategy: allAtOnce, timeout_s: 30 });
    const outcomes = await outcomesOfRun(state, { i2: { install: 'version_mismatch' } });
    expect(outcomes).toEqual([{ metric: 'rollback', service: 'hello', trigger: 'manual', result: 'failed', duration_s: endSeconds(state) }]);
  });

  it('a rollback operation that succeeds counts one succeeded manual rollback', async () => {
    const service = makeService({ desired_version: '2.0.0', previous_version: '1.0.0' });
    const state = await startFleet({ instances: makeInstances(2, '2.0.0'), service, kind: 'rollback', version: '1.0.0', strategy: allAtOnce });
    expect(await outcomesOfRun(state)).toEqual([{ metric: 'rollback', service: 'hello', trigger: 'manual', result: 'succeeded', duration_s: endSeconds(state) }]);
  });
});

describe('operationOutcomeOf on events from outside the planner', () => {
  const envelope = { at: T0, service: 'web', version: '2.0.0', instance_id: null, deploy_id: 'dep-9', actor: 'bob', correlation_id: 'c' };

  it('a deployment preempted by a one-click rollback counts as aborted', () => {
    const event = eventOf('deploy_aborted', envelope, { kind: 'deploy', reason: { code: 'preempted_by_rollback', message: 'm' }, duration_s: 12 });
    expect(operationOutcomeOf(event)).toEqual({ metric: 'deployment', service: 'web', kind: 'deploy', result: 'aborted', duration_s: 12 });
  });

  it('an automatic revert after a failed analysis counts as trigger analysis', () => {
    const event = eventOf('rollback_completed', envelope, { kind: 'deploy', automatic: true, reason: { code: 'analysis_failed', message: 'analysis query errors failed once' }, duration_s: 4 });
    expect(operationOutcomeOf(event)).toEqual({ metric: 'rollback', service: 'web', trigger: 'analysis', result: 'succeeded', duration_s: 4 });
  });

  it.each([
    ['deploy_started', { kind: 'deploy', instances: [], strategy: { type: 'all_at_once' } }],
    ['instance_failed', { kind: 'deploy', reason: { code: 'x', message: 'm' } }],
    ['deploy_paused', { kind: 'deploy', step: 1, instances: 1, pause: null }],
    ['service_created', { instances: 1, added: [], removed: [], settings: {}, warnings: [] }],
  ] as const)('%s ends nothing and counts nothing', (type, details) => {
    expect(operationOutcomeOf(eventOf(type, envelope, details as never))).toBeNull();
  });
});

describe('operationOutcomeOf over random deployments and restarts', () => {
  const behaviour = fc.record({
    install: fc.constantFrom('succeeds', 'sha256_mismatch', 'version_mismatch'),
    silent: fc.boolean(),
    kept: fc.constantFrom('succeeds', 'fails'),
  }) as fc.Arbitrary<Partial<AgentBehaviour>>;

  it('an ended deployment or restart is counted once, with its kind and its duration', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(behaviour, { minLength: 1, maxLength: 5 }), fc.constantFrom<OperationKind>('deploy', 'restart'), fc.integer({ min: 200, max: 3000 }), async (behaviours, kind, stepMs) => {
        const instances = makeInstances(behaviours.length, '1.0.0');
        const state = await startFleet({ instances, kind, version: kind === 'restart' ? null : '2.0.0', strategy: allAtOnce, timeout_s: 10 });
        const overrides = Object.fromEntries(behaviours.map((b, i) => [`i${i + 1}`, { ...HEALTHY_AGENT, ...b }]));
        const deployments = (await outcomesOfRun(state, overrides, stepMs)).filter((o) => o.metric === 'deployment');
        expect(deployments).toHaveLength(1);
        const expected = { succeeded: 'succeeded', failed: 'failed', rolled_back: 'rolled_back', aborted: 'aborted' }[state.operation.status as string];
        expect(deployments[0]).toEqual({ metric: 'deployment', service: 'hello', kind, result: expected, duration_s: endSeconds(state) });
      }),
      { numRuns: 60 },
    );
  });
});
