/**
 * preflightVerdict as named scenarios on a fake clock: no reason, each gate alone, every
 * gate at once, readiness as advice when not enforced, and the silence boundary; then a
 * property over random states: `ok` is exactly "no blocking reason", and reasons come
 * in gate order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOperation } from '../../testing/builders.js';
import { hostsWithoutRelease, preflightVerdict } from './preflight-reasons.js';
import { PREFLIGHT_GATES, type PreflightState } from './preflight-types.js';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const HEARTBEAT_S = 5;

/** web v2, registered, on two hosts that both keep it and heartbeat now: nothing to refuse. */
function clean(overrides: Partial<PreflightState> = {}): PreflightState {
  return {
    service: 'web',
    version: 'v2',
    release: { package_url: 'https://packages.example/web-v2.tar.gz' },
    readiness: { enforced: false, shortfall: null },
    freeze: null,
    lockHolder: null,
    instanceHosts: ['host-a', 'host-a', 'host-b'],
    hosts: [
      { host: 'host-a', last_heartbeat_at: NOW - 1000, kept_releases: { web: ['v1', 'v2'] } },
      { host: 'host-b', last_heartbeat_at: NOW, kept_releases: { web: ['v2'] } },
    ],
    packageProbe: null,
    firingP0Alerts: [],
    heartbeatS: HEARTBEAT_S,
    ...overrides,
  };
}

const SHORTFALL = { failed_checks: ['quality'], missing_checks: ['security', 'cost'], replay_passed: false };
const HOLDER = makeOperation({ id: 'dep-canary', service: 'web', status: 'paused', actor: 'alice' });
const FREEZE = { freeze_id: 'frz-1', service: 'web', reason: 'black friday', ends_at: NOW + 3_600_000 };
const ALERT = { id: 'al-1', name: 'DeploymentRolledBack' as const, summary: 'dep-9 rolled back', started_at: NOW - 60_000 };
/** host-b lost v2 and the package is gone. */
const NO_PACKAGE: Partial<PreflightState> = {
  hosts: [
    { host: 'host-a', last_heartbeat_at: NOW, kept_releases: { web: ['v2'] } },
    { host: 'host-b', last_heartbeat_at: NOW, kept_releases: { web: ['v1'] } },
  ],
  packageProbe: { reachable: false, error: 'http_404' },
};
const SILENT_B: Partial<PreflightState> = {
  hosts: [
    { host: 'host-a', last_heartbeat_at: NOW, kept_releases: { web: ['v2'] } },
    { host: 'host-b', last_heartbeat_at: NOW - 20_000, kept_releases: { web: ['v2'] } },
  ],
};

describe('preflightVerdict: one gate at a time', () => {
  it('no reason at all for a clean release', () => {
    expect(preflightVerdict(clean(), NOW)).toEqual({ ok: true, reasons: [] });
  });

  it.each<[string, Partial<PreflightState>, string, string, Record<string, unknown>]>([
    ['release not registered', { release: null }, 'release', 'release_not_registered', { service: 'web', version: 'v2' }],
    ['enforced and not admitted', { readiness: { enforced: true, shortfall: SHORTFALL } }, 'readiness', 'not_admitted', { ...SHORTFALL, enforced: true }],
    ['a freeze window covers it', { freeze: FREEZE }, 'freeze', 'frozen', { freeze_id: 'frz-1', reason: 'black friday', ends_at: new Date(NOW + 3_600_000).toISOString() }],
    ['another deployment holds the lock', { lockHolder: HOLDER }, 'lock', 'service_locked', { holder: expect.objectContaining({ id: 'dep-canary', kind: 'deploy', status: 'paused' }) }],
    ['a host without it cannot fetch the package', NO_PACKAGE, 'package', 'package_unreachable', { hosts: ['host-b'], error: 'http_404', package_url: 'https://packages.example/web-v2.tar.gz' }],
    ['an agent is silent', SILENT_B, 'agents', 'agent_silent', { host: 'host-b', last_heartbeat_at: new Date(NOW - 20_000).toISOString(), silent_after_s: 15 }],
    ['a P0 alert is firing', { firingP0Alerts: [ALERT] }, 'alerts', 'alert_firing', { alert_id: 'al-1', name: 'DeploymentRolledBack' }],
  ])('%s → %s/%s, blocking', (_name, overrides, gate, code, details) => {
    const verdict = preflightVerdict(clean(overrides), NOW);
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons).toEqual([{ gate, code, blocking: true, message: expect.any(String), details: expect.objectContaining(details) }]);
  });

  it('not admitted but not enforced: listed as advice, and still ok', () => {
    const verdict = preflightVerdict(clean({ readiness: { enforced: false, shortfall: SHORTFALL } }), NOW);
    expect(verdict.ok).toBe(true);
    expect(verdict.reasons).toEqual([expect.objectContaining({ gate: 'readiness', code: 'not_admitted', blocking: false })]);
    expect(verdict.reasons[0]!.message).toBe('v2 of web is not admitted: failed quality; missing security, cost; replay has not passed (advisory: readiness is not enforced for this service)');
  });

  it('the lock message names the holder as a 409 would', () => {
    const [lock] = preflightVerdict(clean({ lockHolder: HOLDER }), NOW).reasons;
    expect(lock!.message).toBe('service web is locked by deployment dep-canary (paused, started by alice)');
  });

  it('a reachable package, or hosts that all keep the release, give no package reason', () => {
    expect(preflightVerdict(clean({ ...NO_PACKAGE, packageProbe: { reachable: true, error: null } }), NOW).reasons).toEqual([]);
    expect(preflightVerdict(clean({ packageProbe: { reachable: false, error: 'timeout' } }), NOW).reasons).toEqual([]);
  });

  it('an unregistered release has no package to try: only the release reason', () => {
    expect(preflightVerdict(clean({ ...NO_PACKAGE, release: null }), NOW).reasons.map((r) => r.code)).toEqual(['release_not_registered']);
  });

  it('a host of an instance that never reported is silent and lacks the release', () => {
    const state = clean({ instanceHosts: ['host-a', 'host-new'], packageProbe: { reachable: false, error: 'not_found' } });
    expect(hostsWithoutRelease(state)).toEqual(['host-new']);
    const reasons = preflightVerdict(state, NOW).reasons;
    expect(reasons.map((r) => [r.code, r.details.hosts ?? r.details.host])).toEqual([
      ['package_unreachable', ['host-new']],
      ['agent_silent', 'host-new'],
    ]);
    expect(reasons[1]!.message).toBe('the agent of host host-new has never sent a heartbeat');
  });

  it('silent only after more than 3 heartbeats: at exactly 15 s still heard, a millisecond later silent', () => {
    const at = (ms: number) => preflightVerdict(clean({ instanceHosts: ['host-b'], hosts: [{ host: 'host-b', last_heartbeat_at: NOW - ms, kept_releases: { web: ['v2'] } }] }), NOW);
    expect(at(15_000).reasons).toEqual([]);
    expect(at(15_001).reasons.map((r) => r.code)).toEqual(['agent_silent']);
  });

  it('a host that runs no instance of the service is never a reason', () => {
    const state = clean({ instanceHosts: ['host-a'], hosts: [...clean().hosts, { host: 'host-z', last_heartbeat_at: 0, kept_releases: {} }] });
    expect(preflightVerdict(state, NOW).reasons).toEqual([]);
  });
});

describe('preflightVerdict: every gate at once', () => {
  it('lists one reason per gate, in gate order, silent hosts and alerts one each', () => {
    const state = clean({
      readiness: { enforced: true, shortfall: SHORTFALL },
      freeze: { ...FREEZE, service: null },
      lockHolder: HOLDER,
      hosts: [
        { host: 'host-a', last_heartbeat_at: NOW - 60_000, kept_releases: {} },
        { host: 'host-b', last_heartbeat_at: NOW - 60_000, kept_releases: { web: ['v1'] } },
      ],
      packageProbe: { reachable: false, error: 'timeout' },
      firingP0Alerts: [ALERT, { ...ALERT, id: 'al-2', name: 'NoReadyInstanceOnDesiredVersion' }],
    });
    const verdict = preflightVerdict(state, NOW);
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons.map((r) => `${r.gate}/${r.code}`)).toEqual([
      'readiness/not_admitted',
      'freeze/frozen',
      'lock/service_locked',
      'package/package_unreachable',
      'agents/agent_silent',
      'agents/agent_silent',
      'alerts/alert_firing',
      'alerts/alert_firing',
    ]);
    expect(verdict.reasons.find((r) => r.gate === 'freeze')!.message).toContain('covers every service');
    expect(verdict.reasons.find((r) => r.gate === 'package')!.details.hosts).toEqual(['host-a', 'host-b']);
  });
});

describe('preflightVerdict: properties', () => {
  const arbitraryState = fc.record({
    registered: fc.boolean(),
    enforced: fc.boolean(),
    admitted: fc.boolean(),
    frozen: fc.boolean(),
    locked: fc.boolean(),
    reachable: fc.option(fc.boolean()),
    hosts: fc.array(fc.record({ keeps: fc.boolean(), silenceMs: fc.integer({ min: 0, max: 60_000 }) }), { minLength: 1, maxLength: 4 }),
    alerts: fc.nat({ max: 2 }),
  });

  it('ok exactly when no reason blocks, reasons in gate order, and only readiness is ever advisory', () => {
    fc.assert(
      fc.property(arbitraryState, (s) => {
        const hosts = s.hosts.map((h, n) => ({ host: `h${n}`, last_heartbeat_at: NOW - h.silenceMs, kept_releases: (h.keeps ? { web: ['v2'] } : {}) as Record<string, string[]> }));
        const state = clean({
          release: s.registered ? { package_url: 'file:///pkgs/web-v2.tar.gz' } : null,
          readiness: { enforced: s.enforced, shortfall: s.admitted ? null : SHORTFALL },
          freeze: s.frozen ? FREEZE : null,
          lockHolder: s.locked ? HOLDER : null,
          instanceHosts: hosts.map((h) => h.host),
          hosts,
          packageProbe: s.reachable === null ? null : { reachable: s.reachable, error: s.reachable ? null : 'not_found' },
          firingP0Alerts: Array.from({ length: s.alerts }, (_, n) => ({ ...ALERT, id: `al-${n}` })),
        });
        const { ok, reasons } = preflightVerdict(state, NOW);
        expect(ok).toBe(!reasons.some((r) => r.blocking));
        const order = reasons.map((r) => PREFLIGHT_GATES.indexOf(r.gate));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        expect(reasons.filter((r) => !r.blocking).every((r) => r.gate === 'readiness' && !s.enforced)).toBe(true);
        expect(reasons.filter((r) => r.gate === 'agents')).toHaveLength(s.hosts.filter((h) => h.silenceMs > 3 * HEARTBEAT_S * 1000).length);
      }),
    );
  });
});
