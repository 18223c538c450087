/** Safety properties of the session allocator over random fleets and operations. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstanceStatus, OperationStatus } from '../types.js';
import { allocateSession, type SessionAllocationInput, type SessionCandidate } from './allocate-session.js';

const STATUSES: InstanceStatus[] = ['pending', 'deploying', 'ready', 'unhealthy', 'draining', 'quarantined', 'stopped', 'unknown'];
const OPERATION_STATUSES: OperationStatus[] = ['pending', 'running', 'paused', 'verifying', 'succeeded', 'failed', 'rolling_back', 'rolled_back', 'aborted'];
const VERSIONS = ['v1', 'v2', 'v3', null];

const candidatesArb = fc.uniqueArray(
  fc.record({
    instance_id: fc.stringMatching(/^i[0-9]{1,3}$/),
    status: fc.constantFrom(...STATUSES, 'ready', 'ready'),
    version: fc.constantFrom(...VERSIONS),
    open_sessions: fc.nat({ max: 20 }),
    replay_held: fc.constantFrom(undefined, false, true),
  }),
  { selector: (c) => c.instance_id, maxLength: 15 },
);

const inputArb: fc.Arbitrary<SessionAllocationInput> = candidatesArb.chain((instances) =>
  fc.record({
    desired_version: fc.constantFrom(...VERSIONS),
    instances: fc.constant(instances),
    operation: fc.option(
      fc.record({
        target_version: fc.constantFrom(...VERSIONS),
        status: fc.constantFrom(...OPERATION_STATUSES),
        past_gate: fc.subarray(instances.map((i) => i.instance_id)).map((ids) => new Set(ids)),
      }),
      { nil: null },
    ),
    tenant_version: fc.constantFrom(...VERSIONS),
    draw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  }),
);

const ACTIVE_NOT_FAILING: OperationStatus[] = ['pending', 'running', 'paused', 'verifying'];

function find(input: SessionAllocationInput, id: string): SessionCandidate {
  return input.instances.find((i) => i.instance_id === id)!;
}

describe('allocateSession properties', () => {
  it('never gives a session to an instance a replay after a rollback holds', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const decision = allocateSession(input);
        if (decision.ok) expect(find(input, decision.instance_id).replay_held).not.toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('no session is ever given an instance off the desired version unless it is the active non-failing operation\'s target version past its health gate', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const decision = allocateSession(input);
        if (!decision.ok) return;
        const given = find(input, decision.instance_id);
        expect(decision.runtime_version).toBe(given.version);
        if (given.version === input.desired_version) return;
        const op = input.operation;
        expect(op).not.toBeNull();
        expect(ACTIVE_NOT_FAILING).toContain(op!.status);
        expect(given.version).toBe(op!.target_version);
        expect(op!.past_gate.has(given.instance_id)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never a non-ready instance', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const decision = allocateSession(input);
        if (decision.ok) expect(find(input, decision.instance_id).status).toBe('ready');
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses only when nothing is eligible: any ready instance on the desired version means a session', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const stable = input.instances.some((i) => i.status === 'ready' && i.replay_held !== true && i.version !== null && i.version === input.desired_version);
        if (stable) expect(allocateSession(input).ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('least loaded: no eligible instance of the given version has fewer open sessions', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const decision = allocateSession(input);
        if (!decision.ok) return;
        const chosen = find(input, decision.instance_id);
        const sameVersionReady = input.instances.filter(
          (i) =>
            i.status === 'ready' &&
            i.replay_held !== true &&
            i.version === decision.runtime_version &&
            (decision.runtime_version === input.desired_version || input.operation?.past_gate.has(i.instance_id)),
        );
        for (const other of sameVersionReady) {
          expect(other.open_sessions > chosen.open_sessions || (other.open_sessions === chosen.open_sessions && other.instance_id >= chosen.instance_id)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('canary proportion over many draws: the target version gets its share of instances', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), (stableCount, canaryCount) => {
        const instances = [
          ...Array.from({ length: stableCount }, (_, n) => ({ instance_id: `s${n}`, status: 'ready' as const, version: 'v1', open_sessions: 0 })),
          ...Array.from({ length: canaryCount }, (_, n) => ({ instance_id: `c${n}`, status: 'ready' as const, version: 'v2', open_sessions: 0 })),
        ];
        const operation = { target_version: 'v2', status: 'running' as const, past_gate: new Set(instances.filter((i) => i.version === 'v2').map((i) => i.instance_id)) };
        const draws = 1000;
        let toCanary = 0;
        // Evenly spaced draws: the count is exact up to rounding, no statistical slack needed.
        for (let n = 0; n < draws; n++) {
          const decision = allocateSession({ desired_version: 'v1', instances, operation, tenant_version: null, draw: (n + 0.5) / draws });
          if (decision.ok && decision.runtime_version === 'v2') toCanary++;
        }
        const share = canaryCount / (canaryCount + stableCount);
        expect(Math.abs(toCanary / draws - share)).toBeLessThanOrEqual(1 / draws);
      }),
      { numRuns: 200 },
    );
  });

  it('tenant stickiness: while both versions are eligible, a tenant gets the version it got before, whatever the draw', () => {
    fc.assert(
      fc.property(inputArb, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (input, secondDraw) => {
        const first = allocateSession({ ...input, tenant_version: null });
        if (!first.ok) return;
        const again = allocateSession({ ...input, tenant_version: first.runtime_version, draw: secondDraw });
        expect(again).toMatchObject({ ok: true, runtime_version: first.runtime_version });
      }),
      { numRuns: 2000 },
    );
  });
});
