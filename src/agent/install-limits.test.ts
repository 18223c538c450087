import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTALL_LIMITS, readInstallLimits } from './install-limits.js';

describe('readInstallLimits', () => {
  it('has the documented defaults', () => {
    expect(readInstallLimits({})).toEqual({
      ok: true,
      limits: { maxPackageBytes: 2 * 1024 ** 3, maxUnpackedBytes: 8 * 1024 ** 3, maxEntries: 100_000, connectTimeoutMs: 10_000, idleTimeoutMs: 30_000 },
    });
  });

  it.each<[string, NodeJS.ProcessEnv, Partial<typeof DEFAULT_INSTALL_LIMITS>]>([
    ['a package limit', { FERRY_MAX_PACKAGE_BYTES: '4096' }, { maxPackageBytes: 4096 }],
    ['an unpacked limit and an entry limit', { FERRY_MAX_UNPACKED_BYTES: '1048576', FERRY_MAX_PACKAGE_ENTRIES: '10' }, { maxUnpackedBytes: 1048576, maxEntries: 10 }],
    ['timeouts in seconds, fractions allowed', { FERRY_DOWNLOAD_CONNECT_TIMEOUT_S: '2', FERRY_DOWNLOAD_IDLE_TIMEOUT_S: '0.5' }, { connectTimeoutMs: 2000, idleTimeoutMs: 500 }],
    ['an empty value as unset', { FERRY_MAX_PACKAGE_BYTES: '' }, {}],
  ])('reads %s', (_label, env, changed) => {
    expect(readInstallLimits(env)).toEqual({ ok: true, limits: { ...DEFAULT_INSTALL_LIMITS, ...changed } });
  });

  it.each(['0', '-1', 'lots'])('refuses %s, naming the variable', (raw) => {
    expect(readInstallLimits({ FERRY_MAX_PACKAGE_ENTRIES: raw })).toEqual({ ok: false, message: `FERRY_MAX_PACKAGE_ENTRIES must be a positive number, got "${raw}"` });
  });
});
