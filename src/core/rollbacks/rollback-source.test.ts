import { describe, expect, it } from 'vitest';
import { makeInstance } from '../../testing/builders.js';
import type { Host } from '../types.js';
import { hostsWithoutRelease } from './rollback-source.js';

const host = (id: string, kept: Record<string, string[]>): Host => ({ host: id, address: '127.0.0.1', agent_version: null, last_heartbeat_at: 0, kept_releases: kept });
const on = (id: string, hostId: string) => makeInstance(id, '2.0.0', { host: hostId });

describe('hostsWithoutRelease', () => {
  it.each<[string, Host[], string[]]>([
    ['every host keeps it → none', [host('web1', { hello: ['1.0.0', '2.0.0'] }), host('web2', { hello: ['1.0.0'] })], []],
    ['one host lost it → that host', [host('web1', { hello: ['2.0.0'] }), host('web2', { hello: ['1.0.0'] })], ['web1']],
    ['kept under another service only → missing', [host('web1', { other: ['1.0.0'] }), host('web2', { hello: ['1.0.0'] })], ['web1']],
    ['a host never heard from → missing', [host('web2', { hello: ['1.0.0'] })], ['web1']],
  ])('%s', (_name, hosts, expected) => {
    const instances = [on('a', 'web1'), on('b', 'web2'), on('c', 'web1')];
    expect(hostsWithoutRelease(instances, hosts, 'hello', '1.0.0')).toEqual(expected);
  });

  it('only hosts of the instances involved count', () => {
    expect(hostsWithoutRelease([on('b', 'web2')], [host('web1', {}), host('web2', { hello: ['1.0.0'] })], 'hello', '1.0.0')).toEqual([]);
  });
});
