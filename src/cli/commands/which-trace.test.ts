import { describe, expect, it } from 'vitest';
import { operationIdsOf, placedVersion } from './which-trace.js';

describe('placedVersion', () => {
  it.each([
    ['succeeded', 'v1', 'v2', 'v2'],
    ['reverted', 'v1', 'v2', 'v1'],
    ['failed', 'v1', 'v2', 'v1'],
    ['skipped', 'v1', 'v2', 'v1'],
    ['failed', null, 'v2', null],
  ])('%s %s → %s puts %s in place', (status, from_version, to_version, expected) => {
    expect(placedVersion({ instance_id: 'i', status, from_version, to_version })).toBe(expected);
  });
});

describe('operationIdsOf', () => {
  it('names each operation once, in the order the events first name it, skipping events of none', () => {
    const events = [
      { type: 'deploy_started', service: 'web', deploy_id: 'dep-1' },
      { type: 'release_registered', service: 'web', deploy_id: null },
      { type: 'rollback', service: 'web', deploy_id: 'rb-2' },
      { type: 'deploy_completed', service: 'web', deploy_id: 'dep-1' },
    ];
    expect(operationIdsOf(events)).toEqual(['dep-1', 'rb-2']);
  });
});
