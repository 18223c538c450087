import { describe, expect, it } from 'vitest';
import { retryDelayMs, type CallFailureKind } from './server-client.js';

describe('retryDelayMs', () => {
  it.each<[CallFailureKind, number, number]>([
    ['network', 1, 200],
    ['network', 2, 400],
    ['server', 3, 800],
    ['server', 5, 3200],
    ['network', 6, 5000],
    ['network', 100, 5000],
    ['auth', 1, 10_000],
    ['rejected', 1, 5000],
  ])('%s failure #%i -> %i ms', (kind, failures, delay) => {
    expect(retryDelayMs(kind, failures)).toBe(delay);
  });
});
