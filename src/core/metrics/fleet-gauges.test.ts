/**
 * The fleet gauges as named scenarios (the consistency ratio's worked examples, drift,
 * silent hosts, removed instances) and a property over random fleets: the instance
 * gauge counts every live instance exactly once and the ratio stays within 0–1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstance, makeTarget, T0 } from '../../testing/builders.js';
import type { Instance, ObservedStatus, OperationTarget } from '../types.js';
import { computeFleetGauges, NO_VERSION, type FleetGaugeInputs } from './fleet-gauges.js';

const NOW = T0 + 60_000;

function inputs(instances: Instance[], overrides: Partial<FleetGaugeInputs> = {}): FleetGaugeInputs {
  const hosts = [...new Set(instances.map((i) => i.host))].map((host) => ({ host, last_heartbeat_at: NOW - 1000 }));
  return {
    now: NOW,
    heartbeatS: 5,
    services: [{ name: 'hello', desired_version: '2.0.0' }],
    instances,
    hosts,
    activeTargets: new Map(),
    registeredVersions: new Map([['hello', new Set(['1.0.0', '2.0.0'])]]),
    ...overrides,
  };
}

function observedAs(id: string, version: string, status: ObservedStatus, goalVersion = version): Instance {
  const instance = makeInstance(id, goalVersion);
  return { ...instance, observed: { ...instance.observed!, version, status } };
}

const ratioOf = (g: ReturnType<typeof computeFleetGauges>, service = 'hello') => g.consistency.find((c) => c.service === service)?.ratio;

describe('computeFleetGauges: version consistency ratio', () => {
  it('4 instances, 3 ready on the desired version and 1 on the old one → 0.75', () => {
    const g = computeFleetGauges(inputs([makeInstance('i1', '2.0.0'), makeInstance('i2', '2.0.0'), makeInstance('i3', '2.0.0'), makeInstance('i4', '1.0.0', { pinned_version: '1.0.0' })]));
    expect(ratioOf(g)).toBe(0.75);
    expect(g.instances).toEqual([
      { service: 'hello', version: '2.0.0', status: 'ready', count: 3 },
      { service: 'hello', version: '1.0.0', status: 'ready', count: 1 },
    ]);
  });

  it('4 on the desired version but one unhealthy → 0.75: only ready instances count', () => {
    const g = computeFleetGauges(inputs([makeInstance('i1', '2.0.0'), makeInstance('i2', '2.0.0'), makeInstance('i3', '2.0.0'), observedAs('i4', '2.0.0', 'unhealthy')]));
    expect(ratioOf(g)).toBe(0.75);
    expect(g.instances).toContainEqual({ service: 'hello', version: '2.0.0', status: 'unhealthy', count: 1 });
  });

  it('no desired version yet → 0, and no desired_version_info series', () => {
    const g = computeFleetGauges(inputs([makeInstance('i1', '2.0.0')], { services: [{ name: 'hello', desired_version: null }] }));
    expect(ratioOf(g)).toBe(0);
    expect(g.desiredVersions).toEqual([]);
  });

  it('a service without instances → 1, with no instance series and 0 drifted', () => {
    const g = computeFleetGauges(inputs([], { services: [{ name: 'empty', desired_version: '1.0.0' }] }));
    expect(ratioOf(g, 'empty')).toBe(1);
    expect(g.instances).toEqual([]);
    expect(g.drifted).toEqual([{ service: 'empty', count: 0 }]);
    expect(g.desiredVersions).toEqual([{ service: 'empty', version: '1.0.0' }]);
  });
});

describe('computeFleetGauges: drift, silence and removal', () => {
  it('an instance answering another version than its goal is drifted', () => {
    const g = computeFleetGauges(inputs([makeInstance('i1', '2.0.0'), observedAs('i2', '1.0.0', 'ready', '2.0.0')]));
    expect(g.drifted).toEqual([{ service: 'hello', count: 1 }]);
    expect(ratioOf(g)).toBe(0.5);
  });

  it('an instance of a silent host is unknown and never drifted', () => {
    const drifting = observedAs('i2', '1.0.0', 'ready', '2.0.0');
    const base = inputs([makeInstance('i1', '2.0.0'), drifting]);
    const hosts = base.hosts.map((h) => (h.host === drifting.host ? { ...h, last_heartbeat_at: NOW - 16_000 } : h));
    const g = computeFleetGauges({ ...base, hosts });
    expect(g.drifted).toEqual([{ service: 'hello', count: 0 }]);
    expect(g.instances).toContainEqual({ service: 'hello', version: '1.0.0', status: 'unknown', count: 1 });
  });

  it('an instance an active operation is changing is not drifted, and one it drains shows draining', () => {
    const moving = observedAs('i1', '1.0.0', 'ready', '2.0.0');
    const draining = makeInstance('i2', '1.0.0', { pinned_version: '1.0.0' });
    const activeTargets = new Map<string, OperationTarget>([
      ['i1', makeTarget('i1', '1.0.0', '2.0.0', { status: 'deploying' })],
      ['i2', makeTarget('i2', '1.0.0', '2.0.0', { status: 'draining' })],
    ]);
    const g = computeFleetGauges(inputs([moving, draining], { activeTargets }));
    expect(g.drifted).toEqual([{ service: 'hello', count: 0 }]);
    expect(g.instances).toContainEqual({ service: 'hello', version: '1.0.0', status: 'draining', count: 1 });
  });

  it('removed instances are not counted; one never probed counts under version "none"', () => {
    const g = computeFleetGauges(inputs([makeInstance('i1', '2.0.0', { removed_at: T0 }), makeInstance('i2', null)]));
    expect(g.instances).toEqual([{ service: 'hello', version: NO_VERSION, status: 'pending', count: 1 }]);
    expect(ratioOf(g)).toBe(0);
  });

  it('hands each host’s last heartbeat time, so the age is computed when scraped', () => {
    const g = computeFleetGauges(inputs([makeInstance('i1', '2.0.0')]));
    expect(g.heartbeats).toEqual([{ host: 'host-i1', last_heartbeat_at: NOW - 1000 }]);
  });
});

describe('computeFleetGauges over random fleets', () => {
  const instanceArb = fc.record({
    service: fc.constantFrom('a', 'b', 'c'),
    version: fc.constantFrom('1.0.0', '2.0.0', '3.0.0'),
    status: fc.constantFrom<ObservedStatus>('starting', 'ready', 'unhealthy', 'stopped', 'crashed'),
    removed: fc.boolean(),
    silent: fc.boolean(),
  });

  it('counts every live instance once and keeps each ratio within 0–1', () => {
    fc.assert(
      fc.property(fc.array(instanceArb, { maxLength: 40 }), fc.constantFrom('1.0.0', '2.0.0', null), (rows, desired) => {
        const instances = rows.map((r, n) => ({ ...observedAs(`i${n}`, r.version, r.status), service: r.service, removed_at: r.removed ? T0 : null }));
        const hosts = rows.map((r, n) => ({ host: `host-i${n}`, last_heartbeat_at: r.silent ? NOW - 60_000 : NOW }));
        const services = ['a', 'b', 'c'].map((name) => ({ name, desired_version: desired }));
        const g = computeFleetGauges({ ...inputs(instances), services, hosts, registeredVersions: new Map() });
        for (const name of ['a', 'b', 'c']) {
          const live = rows.filter((r) => r.service === name && !r.removed).length;
          expect(g.instances.filter((i) => i.service === name).reduce((sum, i) => sum + i.count, 0)).toBe(live);
          const ratio = ratioOf(g, name)!;
          expect(ratio).toBeGreaterThanOrEqual(0);
          expect(ratio).toBeLessThanOrEqual(1);
          const drifted = g.drifted.find((d) => d.service === name)!.count;
          expect(drifted).toBeLessThanOrEqual(live);
        }
      }),
      { numRuns: 200 },
    );
  });
});
