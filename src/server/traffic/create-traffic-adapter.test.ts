import { describe, expect, it } from 'vitest';
import { CommandTrafficAdapter } from './command-adapter.js';
import { createTrafficAdapter } from './create-traffic-adapter.js';
import { HaproxyTrafficAdapter } from './haproxy-adapter.js';
import { NginxTrafficAdapter } from './nginx-adapter.js';

describe('createTrafficAdapter', () => {
  it.each([
    [{ type: 'haproxy', socket: '/run/haproxy/admin.sock', backend: 'web' }, HaproxyTrafficAdapter],
    [{ type: 'nginx', upstream_file: '/etc/nginx/ferry/web.conf', upstream: 'web', reload: ['/usr/sbin/nginx', '-s', 'reload'] }, NginxTrafficAdapter],
    [{ type: 'command', command: ['lb-ctl', '{action}', '{host}:{port}'] }, CommandTrafficAdapter],
  ] as const)('a %o spec gets its adapter', (spec, adapter) => {
    expect(createTrafficAdapter(spec as never, { timeoutMs: 1000 })).toBeInstanceOf(adapter);
  });
});
