/** The HAProxy side of the rates: which servers are the release's, and their 5xx share between two reads. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstance } from '../../../testing/builders.js';
import { errorShareBetween, serverNamesOf, type CounterRead } from './haproxy-release-rates.js';

const read = (counts: Record<string, [number, number]>): CounterRead => new Map(Object.entries(counts).map(([server, [hrsp_5xx, responses]]) => [server, { hrsp_5xx, responses }]));

describe('errorShareBetween', () => {
  it.each<[string, CounterRead, CounterRead, string[], number]>([
    ['10 of 100 then 30 of 200: 20 errors in 100 responses', read({ a: [10, 100] }), read({ a: [30, 200] }), ['a'], 0.2],
    ['summed over the servers of the version', read({ a: [0, 0], b: [0, 0] }), read({ a: [5, 10], b: [0, 10] }), ['a', 'b'], 0.25],
    ["another version's server is left out", read({ a: [0, 0], old: [0, 0] }), read({ a: [0, 10], old: [10, 10] }), ['a'], 0],
    ['a counter that went down (HAProxy restarted) is left out', read({ a: [50, 500], b: [0, 0] }), read({ a: [1, 2], b: [1, 4] }), ['a', 'b'], 0.25],
  ])('%s', (_name, before, after, servers, share) => {
    expect(errorShareBetween(before, after, servers)).toBeCloseTo(share);
  });

  it('no responses in between is NaN, not a healthy 0', () => {
    expect(errorShareBetween(read({ a: [3, 30] }), read({ a: [3, 30] }), ['a'])).toBeNaN();
    expect(errorShareBetween(read({}), read({ a: [3, 30] }), ['a'])).toBeNaN();
  });
});

describe('errorShareBetween properties', () => {
  const counts = fc.tuple(fc.nat({ max: 1000 }), fc.nat({ max: 1000 })).map(([errors, more]) => [errors, errors + more] as [number, number]);
  it('is a share from 0 to 1, or NaN when nothing was answered in between; never negative after a reset', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'c'), counts), fc.dictionary(fc.constantFrom('a', 'b', 'c'), counts), (before, after) => {
        const share = errorShareBetween(read(before), read(after), ['a', 'b']);
        if (!Number.isNaN(share)) {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('serverNamesOf', () => {
  const instances = [makeInstance('hello-h1-7001', '2.0.0', { host: 'h1', port: 7001 }), makeInstance('hello-h1-7002', '1.0.0', { host: 'h1', port: 7002 }), makeInstance('hello-h1-7003', '2.0.0', { host: 'h1', port: 7003, removed_at: 1 })];
  const hosts = [{ host: 'h1', address: '10.0.0.5', agent_version: null, last_heartbeat_at: 0, kept_releases: {} }];

  it('names the live instances on the version, by {instance} by default', () => {
    expect(serverNamesOf({ type: 'haproxy', socket: '/run/h.sock', backend: 'web' }, instances, hosts, '2.0.0')).toEqual(['hello-h1-7001']);
  });

  it('renders server_name with the address the balancer dials as {host}', () => {
    expect(serverNamesOf({ type: 'haproxy', socket: '/run/h.sock', backend: 'web', server_name: '{service}-{host}-{port}' }, instances, hosts, '1.0.0')).toEqual(['hello-10.0.0.5-7002']);
  });
});
