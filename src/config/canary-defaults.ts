/**
 * What `{"type":"canary"}` without steps means (CONTRACT §2): one step of
 * RELEASE_CANARY_RATIO of the instances (default 0.1) that pauses
 * RELEASE_CANARY_DURATION_MIN minutes (default 30). Read once by the server at start.
 */
import { DEFAULT_CANARY, type CanaryDefaults } from '../core/operations/strategy.js';

export function readCanaryDefaults(env: NodeJS.ProcessEnv = process.env): CanaryDefaults {
  return {
    ratio: number(env.RELEASE_CANARY_RATIO, DEFAULT_CANARY.ratio, 'RELEASE_CANARY_RATIO', (v) => v > 0 && v <= 1),
    durationMin: number(env.RELEASE_CANARY_DURATION_MIN, DEFAULT_CANARY.durationMin, 'RELEASE_CANARY_DURATION_MIN', (v) => v >= 0),
  };
}

function number(raw: string | undefined, fallback: number, name: string, valid: (v: number) => boolean): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !valid(value)) throw new Error(`${name} "${raw}" is out of range`);
  return value;
}
