import { describe, expect, it } from 'vitest';
import { makeInstance, makeService } from '../../testing/builders.js';
import { planServiceChange, SETTING_FIELDS, type ServicePlanInput, type ServiceSettings } from './plan-service-change.js';

const settings = (overrides: Partial<ServiceSettings> = {}): ServiceSettings => {
  const service = makeService(overrides);
  return Object.fromEntries(['env', ...SETTING_FIELDS].map((field) => [field, service[field as keyof ServiceSettings]])) as unknown as ServiceSettings;
};
const on = (host: string, port: number) => ({ instance_id: `web-${host}-${port}`, host, port });
const running = (host: string, port: number, version: string) => makeInstance(`web-${host}-${port}`, version, { host, port, service: 'web' });

function plan(overrides: Partial<ServicePlanInput>) {
  return planServiceChange({ service: 'web', existing: settings(), current: [], wanted: [], settings: settings(), knownHosts: new Set(['web1', 'web2']), ...overrides });
}

describe('planServiceChange', () => {
  it.each([
    ['one --instance of three: the two others are removed', [on('web1', 80), on('web2', 80), on('web2', 81)], [on('web1', 80)], [], ['web-web2-80', 'web-web2-81'], ['web-web1-80']],
    ['the same list again: nothing changes', [on('web1', 80)], [on('web1', 80)], [], [], ['web-web1-80']],
    ['one added, one kept', [on('web1', 80)], [on('web1', 80), on('web2', 80)], ['web-web2-80'], [], ['web-web1-80']],
    ['a new port replaces the old one', [on('web1', 80)], [on('web1', 81)], ['web-web1-81'], ['web-web1-80'], []],
    ['no instances at all: every one is removed', [on('web1', 80), on('web2', 80)], [], [], ['web-web1-80', 'web-web2-80'], []],
  ])('%s', (_name, current, wanted, added, removed, unchanged) => {
    const result = plan({ current: current.map((c) => running(c.host, c.port, '1.0.0')), wanted });
    expect(result.added.map((a) => a.instance_id)).toEqual(added);
    expect(result.removed.map((r) => r.instance_id)).toEqual(removed);
    expect(result.unchanged).toEqual(unchanged);
    expect(result.changes).toBe(added.length + removed.length > 0);
  });

  it('names what each removed instance runs, so the operator sees what stops', () => {
    expect(plan({ current: [running('web2', 80, '1.4.0')], wanted: [] }).removed).toEqual([{ instance_id: 'web-web2-80', host: 'web2', port: 80, version: '1.4.0' }]);
  });

  it.each([
    ['start', { start: 'node b.js' }, { field: 'start', before: 'node server.js', after: 'node b.js' }],
    ['drain_s', { drain_s: 30 }, { field: 'drain_s', before: 5, after: 30 }],
    ['strategy', { strategy: { type: 'rolling', batch_size: 2 } }, { field: 'strategy', before: null, after: { type: 'rolling', batch_size: 2 } }],
    ['drift_policy', { drift_policy: 'quarantine' }, { field: 'drift_policy', before: 'rebuild', after: 'quarantine' }],
  ] as const)('a changed %s shows before → after', (_field, change, expected) => {
    expect(plan({ settings: settings(change as Partial<ServiceSettings>) }).settings).toEqual([expected]);
  });

  it('shows only the names of env keys added, removed or changed, never a value', () => {
    const result = plan({ existing: settings({ env: { KEEP: 'same', OLD: 'x', SECRET: 'hunter2' } }), settings: settings({ env: { KEEP: 'same', SECRET: 'hunter3', NEW: 'y' } }) });
    expect(result.settings).toEqual([{ field: 'env', changed_keys: ['NEW', 'OLD', 'SECRET'] }]);
    expect(JSON.stringify(result)).not.toMatch(/hunter|"x"|"y"/);
  });

  it('sees no change in a strategy whose keys come back in another order', () => {
    const result = plan({ existing: settings({ strategy: { type: 'rolling', batch_size: 2 } }), settings: settings({ strategy: { batch_size: 2, type: 'rolling' } as never }) });
    expect(result.settings).toEqual([]);
  });

  it('a new service: every setting changes from null, and creates_service says so', () => {
    const result = plan({ existing: undefined, wanted: [on('web1', 80)] });
    expect(result.creates_service).toBe(true);
    expect(result.settings).toContainEqual({ field: 'start', before: null, after: 'node server.js' });
    expect(result.changes).toBe(true);
  });

  it('accepts an instance on a host that never had an agent, with a warning saying how it will start', () => {
    const result = plan({ wanted: [on('web1', 80), on('web9', 80)] });
    expect(result.added.map((a) => a.instance_id)).toEqual(['web-web1-80', 'web-web9-80']);
    expect(result.warnings).toEqual(['host web9 has never had an agent; instance web-web9-80 will start once an agent with --host-id web9 connects']);
  });
});
