import { describe, expect, it } from 'vitest';
import { makeInstance, makeIsolation, T0 } from '../../testing/builders.js';
import type { Instance, InstanceObservation } from '../types.js';
import { expectedVersion, instanceStatus, MISSED_HEARTBEATS_FOR_UNKNOWN, type StatusContext } from './instance-status.js';

const HEARTBEAT_S = 5;
/** A host that reported one second ago. */
const fresh: StatusContext = { now: T0 + 60_000, heartbeatS: HEARTBEAT_S, hostLastHeartbeatAt: T0 + 59_000 };

function observed(over: Partial<InstanceObservation>): InstanceObservation {
  return { status: 'ready', version: '1.0.0', pid: 42, achieved_generation: 1, outcome: null, at: T0, ...over };
}

function withObservation(over: Partial<InstanceObservation>, instanceOver: Partial<Instance> = {}): Instance {
  return makeInstance('i1', '1.0.0', { observed: observed(over), ...instanceOver });
}

describe('instanceStatus', () => {
  it('pending: no agent has reported the instance yet', () => {
    expect(instanceStatus(makeInstance('i1', null), fresh)).toBe('pending');
  });

  it('pending: the agent reports it stopped and no version was ever asked for', () => {
    const instance = makeInstance('i1', null, { observed: observed({ status: 'stopped', version: null, achieved_generation: 0 }) });
    expect(instanceStatus(instance, fresh)).toBe('pending');
  });

  it('deploying: the goal generation is ahead of what the agent achieved', () => {
    const instance = withObservation({ status: 'ready', achieved_generation: 1 }, { goal: { version: '2.0.0', generation: 2, action: 'run', timeout_s: 30 } });
    expect(instanceStatus(instance, fresh)).toBe('deploying');
  });

  it('deploying: the goal is achieved but the process is still starting', () => {
    expect(instanceStatus(withObservation({ status: 'starting' }), fresh)).toBe('deploying');
  });

  it('ready: goal achieved and the process answers its health check', () => {
    expect(instanceStatus(withObservation({ status: 'ready' }), fresh)).toBe('ready');
  });

  it('unhealthy: the process fails its health check', () => {
    expect(instanceStatus(withObservation({ status: 'unhealthy' }), fresh)).toBe('unhealthy');
  });

  it('unhealthy: a crashed process shows as unhealthy', () => {
    expect(instanceStatus(withObservation({ status: 'crashed', version: null }), fresh)).toBe('unhealthy');
  });

  it('stopped: the agent stopped a process that should run a version', () => {
    expect(instanceStatus(withObservation({ status: 'stopped', version: null }), fresh)).toBe('stopped');
  });

  it('draining: a ready instance the active operation is draining before it stops it', () => {
    expect(instanceStatus(withObservation({ status: 'ready' }), { ...fresh, draining: true })).toBe('draining');
  });

  it('draining: removed from the service while the process still runs', () => {
    expect(instanceStatus(withObservation({ status: 'ready' }, { removed_at: T0 }), fresh)).toBe('draining');
  });

  it('stopped: removed from the service and the agent reports it stopped', () => {
    expect(instanceStatus(withObservation({ status: 'stopped', version: null }, { removed_at: T0 }), fresh)).toBe('stopped');
  });

  it('removed wins over a silent host: still draining until the agent says stopped', () => {
    const silent: StatusContext = { ...fresh, hostLastHeartbeatAt: T0 - 3_600_000 };
    expect(instanceStatus(withObservation({ status: 'ready' }, { removed_at: T0 }), silent)).toBe('draining');
  });

  describe('silent host', () => {
    const lastHeartbeat = T0;
    const limitMs = MISSED_HEARTBEATS_FOR_UNKNOWN * HEARTBEAT_S * 1000;
    const at = (now: number): StatusContext => ({ now, heartbeatS: HEARTBEAT_S, hostLastHeartbeatAt: lastHeartbeat });

    it('allows 3 missed heartbeats', () => {
      expect(MISSED_HEARTBEATS_FOR_UNKNOWN).toBe(3);
      expect(limitMs).toBe(15_000);
    });

    it('ready while the host is one heartbeat late', () => {
      expect(instanceStatus(withObservation({ status: 'ready' }), at(lastHeartbeat + 6_000))).toBe('ready');
    });

    it('still ready exactly at 3 heartbeats (15 s with heartbeat 5 s)', () => {
      expect(instanceStatus(withObservation({ status: 'ready' }), at(lastHeartbeat + limitMs))).toBe('ready');
    });

    it('unknown 1 ms past 3 heartbeats', () => {
      expect(instanceStatus(withObservation({ status: 'ready' }), at(lastHeartbeat + limitMs + 1))).toBe('unknown');
    });

    it('unknown when the host never reported but an observation exists', () => {
      expect(instanceStatus(withObservation({ status: 'ready' }), { ...fresh, hostLastHeartbeatAt: undefined })).toBe('unknown');
    });

    it('unknown rather than deploying while a goal is outstanding', () => {
      const instance = withObservation({ achieved_generation: 1 }, { goal: { version: '2.0.0', generation: 2, action: 'run', timeout_s: 30 } });
      expect(instanceStatus(instance, at(lastHeartbeat + limitMs + 1))).toBe('unknown');
    });

    it('scales with the heartbeat interval: heartbeat 1 s → unknown after 3 s', () => {
      const ctx = (now: number): StatusContext => ({ now, heartbeatS: 1, hostLastHeartbeatAt: lastHeartbeat });
      expect(instanceStatus(withObservation({}), ctx(lastHeartbeat + 3_000))).toBe('ready');
      expect(instanceStatus(withObservation({}), ctx(lastHeartbeat + 3_001))).toBe('unknown');
    });
  });
});

describe('expectedVersion', () => {
  it('is the pin when pinned, else the desired version', () => {
    expect(expectedVersion(makeInstance('i1', '1.0.0', { pinned_version: '0.9.0' }), '1.0.0')).toBe('0.9.0');
    expect(expectedVersion(makeInstance('i1', '1.0.0'), '1.0.0')).toBe('1.0.0');
    expect(expectedVersion(makeInstance('i1', null), null)).toBeNull();
  });
});

describe('instanceStatus while isolated by drift handling', () => {
  const isolation = makeIsolation();

  it('quarantined, whatever the agent observes, even while a rebuild deploys it or its host is silent', () => {
    expect(instanceStatus(withObservation({ status: 'ready', version: '0.9.0' }, { isolation }), fresh)).toBe('quarantined');
    expect(instanceStatus(withObservation({ status: 'starting' }, { isolation }), fresh)).toBe('quarantined');
    expect(instanceStatus(withObservation({ status: 'ready' }, { isolation }), { ...fresh, hostLastHeartbeatAt: undefined })).toBe('quarantined');
  });

  it('unhealthy under drift_policy mark_unhealthy', () => {
    expect(instanceStatus(withObservation({ status: 'ready' }, { isolation: { ...isolation, status: 'unhealthy', policy: 'mark_unhealthy' } }), fresh)).toBe('unhealthy');
  });

  it('removed still wins: draining, then stopped', () => {
    expect(instanceStatus(withObservation({ status: 'ready' }, { isolation, removed_at: T0 }), fresh)).toBe('draining');
  });
});
