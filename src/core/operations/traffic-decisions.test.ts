import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeInstance } from '../../testing/builders.js';
import type { InstanceTraffic } from '../traffic/traffic-spec.js';
import { drainWait, readyWait, rollbackWindow } from './traffic-decisions.js';

const traffic = (state: 'ready' | 'drain', applied: 'yes' | 'no' | 'failed'): InstanceTraffic => ({
  intent: { state, weight: 100, seq: 2, at: 0 },
  applied: applied === 'no' ? { seq: 1, ok: true, at: 0 } : applied === 'yes' ? { seq: 2, ok: true, at: 0 } : { seq: 2, ok: false, at: 0, error: 'socket refused' },
});

describe('drainWait', () => {
  const base = { connections: 0, sessions: 0, drainedForMs: 0, drainMs: 0 };
  it.each([
    ['not yet confirmed', traffic('drain', 'no'), {}, 'waiting'],
    ['failed by the adapter', traffic('drain', 'failed'), {}, 'failed'],
    ['confirmed, nothing open', traffic('drain', 'yes'), {}, 'done'],
    ['confirmed, 3 connections, 2 s of a 30 s cap', traffic('drain', 'yes'), { connections: 3, drainedForMs: 2_000 }, 'waiting'],
    ['confirmed, 3 connections, past drain_s', traffic('drain', 'yes'), { connections: 3, drainedForMs: 5_000, drainMs: 5_000 }, 'done'],
    ['confirmed, 3 connections, no drain_s, past the default cap', traffic('drain', 'yes'), { connections: 3, drainedForMs: 30_000 }, 'done'],
    ['confirmed, connections unknown, no drain_s', traffic('drain', 'yes'), { connections: undefined }, 'done'],
    ['confirmed, a session open, drain_s 10, 1 s in', traffic('drain', 'yes'), { sessions: 1, drainedForMs: 1_000, drainMs: 10_000 }, 'waiting'],
    ['still ready (the planner’s drain not stored yet)', traffic('ready', 'yes'), {}, 'waiting'],
  ])('%s → %s', (_name, t, inputs, expected) => {
    expect(drainWait({ ...base, ...inputs, instance: makeInstance('i1', '1.0.0', { traffic: t }) }).state).toBe(expected);
  });

  it('names the instance and the adapter’s error in traffic_adapter_failed', () => {
    const wait = drainWait({ ...base, instance: makeInstance('i1', '1.0.0', { traffic: traffic('drain', 'failed') }) });
    expect(wait).toEqual({ state: 'failed', reason: { code: 'traffic_adapter_failed', message: 'draining instance i1 out of traffic failed: socket refused' } });
  });
});

describe('readyWait', () => {
  it.each([
    ['never taken out', null, 'done'],
    ['ready, confirmed', traffic('ready', 'yes'), 'done'],
    ['ready, not yet confirmed', traffic('ready', 'no'), 'waiting'],
    ['ready, failed', traffic('ready', 'failed'), 'failed'],
    ['still drained', traffic('drain', 'yes'), 'waiting'],
  ])('%s → %s', (_name, t, expected) => {
    expect(readyWait(makeInstance('i1', '1.0.0', { traffic: t })).state).toBe(expected);
  });
});

describe('rollbackWindow', () => {
  it.each([
    [8, 50, 4],
    [3, 50, 2],
    [2, 100, 1],
    [1, 50, 1],
    [10, null, 5],
    [10, 1, 1],
  ])('%i instances at %s %% → %i at once', (total, percent, window) => {
    expect(rollbackWindow(total, percent)).toBe(window);
  });

  it('leaves at least one instance serving whenever there are two or more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 500 }), fc.integer({ min: 1, max: 100 }), (total, percent) => {
        const window = rollbackWindow(total, percent);
        expect(window).toBeGreaterThanOrEqual(1);
        expect(window).toBeLessThan(total);
      }),
    );
  });
});
