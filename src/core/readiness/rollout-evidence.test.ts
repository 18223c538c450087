/** Ferry's `rollout` evidence: which operation endings write one, and what it says. */
import { describe, expect, it } from 'vitest';
import { makeOperation } from '../../testing/builders.js';
import type { Operation } from '../types.js';
import { rolloutEvidenceOf } from './rollout-evidence.js';

const NOW = Date.UTC(2026, 0, 10);
const canary = (over: Partial<Operation> = {}) => makeOperation({ id: 'dep-7', kind: 'deploy', service: 'web', version: '2.0.0', strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] }, correlation_id: 'cor-7', actor: 'alice', ...over });

describe('rolloutEvidenceOf', () => {
  it('a canary that succeeded: passed, from ferry, naming the deployment', () => {
    expect(rolloutEvidenceOf(canary(), { status: 'succeeded' }, NOW)).toEqual({
      service: 'web', version: '2.0.0', check: 'rollout', passed: true, summary: 'canary dep-7 completed its steps healthy', url: null,
      details: { deploy_id: 'dep-7' }, source: 'ferry', actor: 'alice', correlation_id: 'cor-7', recorded_at: NOW,
    });
  });

  it.each(['failed', 'rolled_back'] as const)('a canary that ended %s: failed, with the reason', (status) => {
    const draft = rolloutEvidenceOf(canary(), { status, reason: { code: 'healthy_deadline', message: 'web-h1-1 never became healthy' } }, NOW);
    expect(draft).toMatchObject({ passed: false, summary: `canary dep-7 ${status}: web-h1-1 never became healthy`, details: { deploy_id: 'dep-7', status, reason: { code: 'healthy_deadline' } } });
  });

  it.each([
    ['an aborted canary', canary(), 'aborted'],
    ['a rolling deployment', canary({ strategy: { type: 'rolling', batch_size: 1 } }), 'succeeded'],
    ['a restart', canary({ kind: 'restart', version: null }), 'succeeded'],
    ['a rollback', canary({ kind: 'rollback' }), 'succeeded'],
    ['a canary still running', canary(), 'running'],
  ] as const)('%s writes nothing', (_name, operation, status) => {
    expect(rolloutEvidenceOf(operation, { status }, NOW)).toBeNull();
  });
});
