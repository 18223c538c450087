/**
 * The HAProxy and nginx fixtures start real servers that proxy to real backends, answer
 * their control interfaces, reload, and leave no process behind.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeCommand } from '../server/traffic/haproxy-runtime-api.js';
import { haproxyMissing, startHaproxy } from './haproxy-process.js';
import { startNamedBackends, type NamedBackend } from './named-backends.js';
import { nginxMissing, startNginx } from './nginx-process.js';

let backends: NamedBackend[];
beforeAll(async () => {
  backends = await startNamedBackends(2);
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

async function namesServed(url: string, requests: number): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < requests; i++) names.add(await (await fetch(url)).text());
  return names;
}

describe.skipIf(haproxyMissing() !== undefined)(`startHaproxy${haproxyMissing() ? ` (skipped: ${haproxyMissing()})` : ''}`, () => {
  it.each(['unix', 'tcp'] as const)('proxies to every server and answers the runtime API on a %s socket, also after reload()', async (socket) => {
    const haproxy = await startHaproxy({ servers: backends, socket });
    try {
      expect(await namesServed(haproxy.url, 6)).toEqual(new Set(['web1', 'web2']));
      expect(await runtimeCommand(haproxy.socket, 'show info', { timeoutMs: 2000 })).toContain('Name: HAProxy');
      await haproxy.reload();
      expect(await namesServed(haproxy.url, 6)).toEqual(new Set(['web1', 'web2']));
    } finally {
      await haproxy.stop();
    }
  });
});

describe.skipIf(nginxMissing() !== undefined)(`startNginx${nginxMissing() ? ` (skipped: ${nginxMissing()})` : ''}`, () => {
  it('proxies to the upstream and accepts its test and reload argv', async () => {
    const nginx = await startNginx({ upstream: 'app', servers: backends });
    try {
      expect(await namesServed(nginx.url, 6)).toEqual(new Set(['web1', 'web2']));
      const [bin, ...test] = nginx.testArgv;
      expect(spawnSync(bin!, test, { encoding: 'utf8' }).status).toBe(0);
      const [rbin, ...reload] = nginx.reloadArgv;
      expect(spawnSync(rbin!, reload, { encoding: 'utf8' }).status).toBe(0);
      expect(await namesServed(nginx.url, 6)).toEqual(new Set(['web1', 'web2']));
    } finally {
      await nginx.stop();
    }
  });
});
