import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF, retryAfterFailure } from './delivery-backoff.js';

describe('backoffDelayMs', () => {
  it.each([
    [1, 0.999999, 1000],
    [2, 0.999999, 2000],
    [3, 0.999999, 4000],
    [6, 0.999999, 32_000],
    [7, 0.999999, 60_000],
    [50, 0.999999, 60_000],
    [5000, 0.999999, 60_000],
    [1, 0, 500],
    [7, 0, 30_000],
  ])('after %i failures with jitter %f waits %i ms', (failures, random, expected) => {
    expect(backoffDelayMs(failures, DEFAULT_BACKOFF, random)).toBe(expected);
  });

  it('never waits more than the cap nor less than half the unjittered delay, and never shrinks before jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = backoffDelayMs(n, DEFAULT_BACKOFF, r);
        expect(d).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
        expect(d).toBeGreaterThanOrEqual(Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** (n - 1)) / 2 - 1);
        expect(backoffDelayMs(n + 1, DEFAULT_BACKOFF, 1 - Number.EPSILON)).toBeGreaterThanOrEqual(backoffDelayMs(n, DEFAULT_BACKOFF, 1 - Number.EPSILON));
      }),
    );
  });
});

describe('retryAfterFailure', () => {
  it('keeps retrying for at least 10 minutes with the defaults, then gives up', () => {
    const queuedAt = 1_000_000;
    let now = queuedAt;
    let failures = 0;
    for (;;) {
      failures += 1;
      const decision = retryAfterFailure(failures, queuedAt, now, DEFAULT_BACKOFF, 0.5);
      if (!decision.retry) break;
      expect(decision.at).toBeGreaterThan(now);
      now = decision.at;
    }
    expect(now - queuedAt).toBeGreaterThanOrEqual(10 * 60_000);
    expect(now - queuedAt).toBeLessThan(DEFAULT_BACKOFF.giveUpAfterMs + DEFAULT_BACKOFF.maxMs);
    expect(failures).toBeLessThan(40);
  });
});
