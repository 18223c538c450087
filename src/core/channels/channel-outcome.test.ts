import { describe, expect, it } from 'vitest';
import { makeOperation } from '../../testing/builders.js';
import type { ChannelEntry } from './channel-entry.js';
import { rolloutRecordOf } from '../readiness/rollout-evidence.js';
import { channelOutcome } from './channel-outcome.js';
import { viewChannel } from './channel-view.js';
import { makeInstance } from '../../testing/builders.js';

const NOW = 1_700_000_900_000;
const entry = (over: Partial<ChannelEntry> = {}): ChannelEntry => ({
  id: 1, service: 'web', channel: 'canary', version: '2.0.0', at: NOW - 60_000, actor: 'ana', reason: null, correlation_id: 'c1', deploy_id: 'dep-1', soak_started_at: null, ...over,
});

describe('channelOutcome', () => {
  const op = makeOperation({ id: 'dep-1', kind: 'deploy', version: '2.0.0', whole_service: false });

  it.each([
    ['a canary deploy that succeeded: soak starts, rollout passed', 'succeeded', NOW, true],
    ['a canary deploy rolled back: no soak, rollout failed', 'rolled_back', null, false],
    ['a canary deploy that failed: rollout failed', 'failed', null, false],
    ['a canary deploy aborted: rollout failed', 'aborted', null, false],
  ] as const)('%s', (_name, status, soak, passed) => {
    const outcome = channelOutcome(entry(), op, { status, reason: null }, NOW);
    expect(outcome.soakStartedAt).toBe(soak);
    expect(outcome.evidence).toMatchObject({ service: 'web', version: '2.0.0', check: 'rollout', passed, source: 'ferry', recorded_at: NOW });
  });

  it.each(['succeeded', 'failed', 'rolled_back', 'aborted'] as const)('a canary deploy that ended %s records exactly what rolloutRecordOf decides', (status) => {
    const end = { status, reason: status === 'succeeded' ? null : { code: 'x', message: 'why' } };
    expect(channelOutcome(entry(), op, end, NOW).evidence).toEqual(rolloutRecordOf({ operation: op, service: 'web', version: '2.0.0', channel: 'canary' }, end, NOW));
  });

  it('a canary deploy still running writes nothing yet', () => {
    expect(channelOutcome(entry(), op, { status: 'running', reason: null }, NOW)).toEqual({ soakStartedAt: null, evidence: null });
  });

  it('a promotion or channel rollback starts the soak but is no rollout evidence', () => {
    const stable = channelOutcome(entry({ channel: 'stable' }), makeOperation({ kind: 'deploy' }), { status: 'succeeded', reason: null }, NOW);
    expect(stable).toEqual({ soakStartedAt: NOW, evidence: null });
    const rollback = channelOutcome(entry(), makeOperation({ kind: 'rollback' }), { status: 'succeeded', reason: null }, NOW);
    expect(rollback).toEqual({ soakStartedAt: NOW, evidence: null });
  });
});

describe('viewChannel', () => {
  const instances = new Map([
    ['web-a', makeInstance('web-a', '2.0.0', { pinned_version: '2.0.0' })],
    ['web-b', makeInstance('web-b', '1.0.0')],
  ]);

  it('a channel whose instances share a pin runs that version, soaking since its newest succeeded row', () => {
    const history = [entry({ id: 3, version: '3.0.0', at: NOW }), entry({ id: 2, soak_started_at: NOW - 30_000 }), entry({ id: 1, soak_started_at: NOW - 90_000 })];
    const view = viewChannel({ name: 'canary', instanceIds: ['web-a'], instances, desiredVersion: '1.0.0', history });
    expect(view).toMatchObject({ version: '2.0.0', soak_started_at: NOW - 30_000, started_at: NOW - 60_000, updated_at: NOW });
  });

  it('an unpinned channel follows stable; stable is the desired version', () => {
    expect(viewChannel({ name: 'canary', instanceIds: ['web-b'], instances, desiredVersion: '1.0.0', history: [] }).version).toBe('1.0.0');
    expect(viewChannel({ name: 'stable', instanceIds: ['web-a', 'web-b'], instances, desiredVersion: '1.0.0', history: [] }).version).toBe('1.0.0');
  });

  it('a channel with mixed pins, or no instances, shows no version', () => {
    expect(viewChannel({ name: 'canary', instanceIds: ['web-a', 'web-b'], instances, desiredVersion: '1.0.0', history: [] }).version).toBeNull();
    expect(viewChannel({ name: 'canary', instanceIds: [], instances, desiredVersion: '1.0.0', history: [] }).version).toBeNull();
  });
});
