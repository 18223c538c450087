import { describe, expect, it } from 'vitest';
import { checkTrafficDeclaration, type TrafficDeclaration } from './check-traffic-declaration.js';
import { buildOperation } from '../operations/build-operation.js';
import { makeInstances, makeService, T0 } from '../../testing/builders.js';

const none: TrafficDeclaration = { traffic: null, analysis: null, strategy: null };
const reasonOf = (d: Partial<TrafficDeclaration>) => {
  const check = checkTrafficDeclaration({ ...none, ...d });
  return check.ok ? 'ok' : check.reason;
};
const query = (q: string) => ({ name: 'errors', query: q, success: '< 0.01' });

describe('checkTrafficDeclaration', () => {
  it.each([
    ['no traffic at all', {}, 'ok'],
    ['a command with the six placeholders', { traffic: { type: 'command' as const, command: ['lb', '{action}', '{service}', '{instance}', '{host}:{port}', '{weight}'] } }, 'ok'],
    ['a command with {token}', { traffic: { type: 'command' as const, command: ['lb', '--token={token}'] } }, 'bad_traffic_template'],
    ['an HAProxy server_name with {env}', { traffic: { type: 'haproxy' as const, socket: '/s', backend: 'b', server_name: '{env}-{instance}' } }, 'bad_traffic_template'],
    ['PromQL with its placeholders and label matchers', { analysis: { provider: 'prometheus' as const, address: 'http://p:9090', queries: [query('rate(x{version="{version}"}[1m])')] } }, 'ok'],
    ['PromQL with {job}', { analysis: { provider: 'prometheus' as const, address: 'http://p:9090', queries: [query('up{job="{job}"}')] } }, 'bad_analysis_query'],
    ['Prometheus without an address', { analysis: { provider: 'prometheus' as const, queries: [query('up')] } }, 'bad_analysis'],
    ['the haproxy provider without HAProxy traffic', { analysis: { provider: 'haproxy' as const, queries: [query('error_ratio')] } }, 'bad_analysis'],
    [
      'the haproxy provider asking for a figure it lacks',
      { traffic: { type: 'haproxy' as const, socket: '/s', backend: 'b' }, analysis: { provider: 'haproxy' as const, queries: [query('cpu')] } },
      'bad_analysis_query',
    ],
    ['a weight step without traffic', { strategy: { type: 'canary' as const, steps: [{ weight: 10 }] } }, 'weight_needs_traffic'],
    ['a weight step with traffic', { traffic: { type: 'haproxy' as const, socket: '/s', backend: 'b' }, strategy: { type: 'canary' as const, steps: [{ weight: 10 }] } }, 'ok'],
  ])('%s → %s', (_name, declaration, expected) => {
    expect(reasonOf(declaration)).toBe(expected);
  });

  it('refuses a deployment whose own strategy has a weight step when the service has no traffic', () => {
    const built = buildOperation({
      id: 'dep-1',
      kind: 'deploy',
      service: makeService(),
      version: '2.0.0',
      instances: makeInstances(2, '1.0.0'),
      activeOperation: undefined,
      strategy: { type: 'canary', steps: [{ weight: 10 }] },
      actor: 'alice',
      correlation_id: 'c',
      now: T0,
    });
    expect(built.ok ? 'ok' : [built.kind, built.code]).toEqual(['input', 'weight_needs_traffic']);
  });
});
