import { describe, expect, it } from 'vitest';
import { planRestart, restartBackoffBase } from './crash-backoff.js';

describe('planRestart', () => {
  it.each([
    [0, 2000, 1000, 1000, 1],
    [1, 2000, 1000, 2000, 2],
    [2, 2000, 1000, 4000, 3],
    [5, 2000, 1000, 30_000, 6],
    [40, 2000, 1000, 30_000, 41],
    [5, 61_000, 1000, 1000, 1],
    [3, 0, 50, 400, 4],
  ])('crashes %i, uptime %i ms, base %i -> %i ms', (crashes, uptime, base, delay, next) => {
    expect(planRestart(crashes, uptime, base)).toEqual({ delayMs: delay, crashes: next });
  });

  it('reads the first delay from FERRY_RESTART_BACKOFF_MS', () => {
    expect(restartBackoffBase({ FERRY_RESTART_BACKOFF_MS: '50' })).toBe(50);
    expect(restartBackoffBase({})).toBe(1000);
    expect(restartBackoffBase({ FERRY_RESTART_BACKOFF_MS: 'soon' })).toBe(1000);
  });
});
