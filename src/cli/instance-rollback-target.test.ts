import { describe, expect, it } from 'vitest';
import { instanceRollbackTarget } from './instance-rollback-target.js';

describe('instanceRollbackTarget', () => {
  it.each([
    ['a canary instance on 1.1.0 goes to the desired 1.0.0', '1.1.0', '1.0.0', '0.9.0', '1.0.0'],
    ['an instance on the desired version goes to the previous one', '1.0.0', '1.0.0', '0.9.0', '0.9.0'],
  ])('%s', (_name, running, desired, previous, target) => {
    expect(instanceRollbackTarget({ instanceId: 'i1', running, desired, previous })).toMatchObject({ ok: true, target });
  });

  it.each([
    ['newer than it runs', '0.8.0', '1.0.0', '0.9.0', /1\.0\.0 is newer than 0\.8\.0.*--to 1\.0\.0/],
    ['not semver', 'blue', 'green', null, /cannot compare green with blue/],
    ['no version answered', null, '1.0.0', null, /answers no version/],
    ['nothing to go to', '1.0.0', '1.0.0', null, /no version to roll i1 back to/],
  ])('refuses a target %s', (_name, running, desired, previous, message) => {
    const result = instanceRollbackTarget({ instanceId: 'i1', running, desired, previous });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });
});
