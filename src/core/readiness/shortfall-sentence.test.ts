/** The one sentence for a shortfall: every reason, replay said once. */
import { describe, expect, it } from 'vitest';
import { shortfallSentence } from './shortfall-sentence.js';

describe('shortfallSentence', () => {
  it.each([
    [{ failed_checks: ['security'], missing_checks: ['cost', 'ops'], replay_passed: false }, 'failed security; missing cost, ops; replay has not passed'],
    [{ failed_checks: [], missing_checks: ['replay'], replay_passed: false }, 'missing replay'],
    [{ failed_checks: ['replay'], missing_checks: ['ops'], replay_passed: false }, 'failed replay; missing ops'],
    [{ failed_checks: [], missing_checks: [], replay_passed: false }, 'replay has not passed'],
    [{ failed_checks: ['ops'], missing_checks: [], replay_passed: true }, 'failed ops'],
    [{ failed_checks: ['ops'], missing_checks: ['x-load'] }, 'failed ops; missing x-load'],
    [{ failed_checks: [], missing_checks: [], replay_passed: true }, ''],
  ])('%j → %j', (shortfall, sentence) => {
    expect(shortfallSentence(shortfall)).toBe(sentence);
  });
});
