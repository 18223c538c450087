import { describe, expect, it } from 'vitest';
import type { RolloutPause, RolloutSnapshot } from './operation-snapshot.js';
import { continueHint, pauseCountdown, pauseText, stepText } from './rollout-phrases.js';

const rollout = (step: number | null, steps: number): RolloutSnapshot => ({ step, steps, pause: null, batch_size: 1, in_flight: 0 });
const promoted: RolloutPause = { kind: 'until_promoted', until: null };
const user: RolloutPause = { kind: 'user', until: null };
const timed: RolloutPause = { kind: 'timed', until: '2030-01-01T12:00:30.000Z' };
const NOW = Date.parse('2030-01-01T12:00:05.000Z');

describe('stepText', () => {
  it.each<[RolloutSnapshot | null | undefined, string | null]>([
    [rollout(1, 2), 'step 1/2'],
    [rollout(2, 2), 'step 2/2'],
    [rollout(null, 0), null],
    [rollout(null, 3), null],
    [rollout(1, 0), null],
    [null, null],
    [undefined, null],
  ])('%j → %s', (input, expected) => {
    expect(stepText(input)).toBe(expected);
  });
});

describe('pauseText and pauseCountdown', () => {
  it.each<[RolloutPause, string, string]>([
    [promoted, 'paused until promoted', 'paused until promoted'],
    [user, 'paused by user', 'paused by user'],
    [timed, 'paused until 2030-01-01T12:00:30.000Z', 'paused, 25 s left'],
    [{ kind: 'timed', until: '2030-01-01T12:00:00.000Z' }, 'paused until 2030-01-01T12:00:00.000Z', 'paused, 0 s left'],
    [{ kind: 'timed', until: null }, 'paused for a set time', 'paused for a set time'],
    [{ kind: 'timed', until: 'soon' }, 'paused until soon', 'paused until soon'],
    [{ kind: 'maintenance' } as unknown as RolloutPause, 'paused (maintenance)', 'paused (maintenance)'],
  ])('%j', (pause, text, countdown) => {
    expect(pauseText(pause)).toBe(text);
    expect(pauseCountdown(pause, NOW)).toBe(countdown);
  });
});

describe('continueHint', () => {
  it.each<[RolloutPause | null, string]>([
    [promoted, 'paused: run "ferry promote dep-1" to continue'],
    [user, 'paused: run "ferry resume dep-1" to continue'],
    [timed, 'paused: continues on its own at 2030-01-01T12:00:30.000Z; run "ferry promote dep-1" to continue now'],
    [{ kind: 'timed', until: null }, 'paused: continues on its own; run "ferry promote dep-1" to continue now'],
    [null, 'paused: "ferry promote dep-1" continues a canary step, "ferry resume dep-1" a deployment paused by hand'],
  ])('%j', (pause, expected) => {
    expect(continueHint('dep-1', pause)).toBe(expected);
  });
});
