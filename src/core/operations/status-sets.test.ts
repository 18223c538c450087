import { describe, expect, it } from 'vitest';
import type { TargetStatus } from '../types.js';
import { awaitsAgent, holdsBatchSlot, isInFlight, isTerminal, leftToOperation } from './status-sets.js';

const ALL: TargetStatus[] = ['pending', 'draining', 'deploying', 'healthy', 'verifying', 'succeeded', 'failed', 'skipped', 'reverting', 'reverted', 'revert_failed'];

describe('status sets', () => {
  it.each<[TargetStatus, boolean, boolean, boolean, boolean]>([
    // status          awaitsAgent holdsBatchSlot isInFlight leftToOperation
    ['pending', false, false, false, false],
    ['draining', false, true, true, false],
    ['deploying', true, true, true, true],
    ['healthy', false, true, true, true],
    ['verifying', true, false, true, true],
    ['succeeded', false, false, false, false],
    ['failed', false, false, false, true],
    ['skipped', false, false, false, false],
    ['reverting', true, false, true, true],
    ['reverted', false, false, false, false],
    ['revert_failed', false, false, false, true],
  ])('%s', (status, agent, slot, flight, left) => {
    expect([awaitsAgent(status), holdsBatchSlot(status), isInFlight(status), leftToOperation(status)]).toEqual([agent, slot, flight, left]);
  });

  it('in flight is exactly what holds a batch slot or awaits an agent', () => {
    for (const s of ALL) expect(isInFlight(s)).toBe(holdsBatchSlot(s) || awaitsAgent(s));
  });

  it('names the terminal operation statuses', () => {
    expect(['succeeded', 'failed', 'rolled_back', 'aborted'].every((s) => isTerminal(s as never))).toBe(true);
    expect(['pending', 'running', 'paused', 'verifying', 'rolling_back'].some((s) => isTerminal(s as never))).toBe(false);
  });
});
