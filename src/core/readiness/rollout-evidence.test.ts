/** Ferry's `rollout` evidence: which operation endings write one, and what it says. */
import { describe, expect, it } from 'vitest';
import { makeOperation } from '../../testing/builders.js';
import type { Operation } from '../types.js';
import { rolloutEvidenceOf, rolloutRecordOf } from './rollout-evidence.js';

const NOW = Date.UTC(2026, 0, 10);
const canary = (over: Partial<Operation> = {}) => makeOperation({ id: 'dep-7', kind: 'deploy', service: 'web', version: '2.0.0', strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] }, correlation_id: 'cor-7', actor: 'alice', ...over });

describe('rolloutEvidenceOf', () => {
  it('a canary that succeeded: passed, from ferry, naming the deployment', () => {
    expect(rolloutEvidenceOf(canary(), { status: 'succeeded' }, NOW)).toEqual({
      service: 'web', version: '2.0.0', check: 'rollout', passed: true, summary: 'canary dep-7 completed its steps healthy', url: null,
      details: { deploy_id: 'dep-7' }, source: 'ferry', actor: 'alice', correlation_id: 'cor-7', recorded_at: NOW,
    });
  });

  it.each(['failed', 'rolled_back', 'aborted'] as const)('a canary that ended %s: failed, with the reason', (status) => {
    const draft = rolloutEvidenceOf(canary(), { status, reason: { code: 'healthy_deadline', message: 'web-h1-1 never became healthy' } }, NOW);
    expect(draft).toMatchObject({ passed: false, summary: `canary dep-7 ${status}: web-h1-1 never became healthy`, details: { deploy_id: 'dep-7', status, reason: { code: 'healthy_deadline' } } });
  });

  it('an aborted canary with no reason: failed, never silent (an older passed record must not stay the newest)', () => {
    expect(rolloutEvidenceOf(canary({ reason: null }), { status: 'aborted' }, NOW)).toMatchObject({ check: 'rollout', passed: false, summary: 'canary dep-7 aborted', details: { deploy_id: 'dep-7', status: 'aborted', reason: null } });
  });

  it.each([
    ['a rolling deployment', canary({ strategy: { type: 'rolling', batch_size: 1 } }), 'succeeded'],
    ['a restart', canary({ kind: 'restart', version: null }), 'succeeded'],
    ['a rollback', canary({ kind: 'rollback' }), 'succeeded'],
    ['a canary still running', canary(), 'running'],
  ] as const)('%s writes nothing', (_name, operation, status) => {
    expect(rolloutEvidenceOf(operation, { status }, NOW)).toBeNull();
  });
});

describe('rolloutRecordOf: the one rule for every canary, strategy or channel', () => {
  const op = canary({ strategy: { type: 'rolling', batch_size: 1 }, version: '9.9.9' });
  it.each([
    ['succeeded', true],
    ['failed', false],
    ['rolled_back', false],
    ['aborted', false],
  ] as const)('%s → passed %s, for the run\'s version, naming its channel', (status, passed) => {
    expect(rolloutRecordOf({ operation: op, service: 'web', version: '2.0.0', channel: 'canary' }, { status, reason: null }, NOW)).toMatchObject({ version: '2.0.0', check: 'rollout', passed, source: 'ferry', details: { deploy_id: 'dep-7', channel: 'canary' } });
  });

  it.each(['pending', 'running', 'paused'] as const)('%s: not ended, no record', (status) => {
    expect(rolloutRecordOf({ operation: op, service: 'web', version: '2.0.0' }, { status }, NOW)).toBeNull();
  });
});
