/**
 * The nginx adapter against a real nginx master (src/testing/nginx-process.ts) in front of
 * real HTTP backends: the file it writes is the one nginx loads, requests go where it says,
 * a drain is reported only once no old worker can pass a new request to the drained
 * instance, and a configuration nginx refuses or a reload that fails leaves the previous
 * file in place.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { startNamedBackends, type NamedBackend } from '../../testing/named-backends.js';
import { nginxMissing, startNginx, type NginxProcess } from '../../testing/nginx-process.js';
import { nginxCheckArgv, nginxComplaint, NginxTrafficAdapter } from './nginx-adapter.js';
import type { DesiredTraffic } from './traffic-adapter.js';

const OPTIONS = { timeoutMs: 10_000 };
let backends: NamedBackend[];
let nginx: NginxProcess | undefined;

beforeAll(async () => {
  backends = await startNamedBackends(2);
});
afterEach(async () => {
  await nginx?.stop();
  nginx = undefined;
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

function desired(backend: NamedBackend, state: 'ready' | 'drain', weight = 100, address = backend.address): DesiredTraffic {
  return { instance_id: backend.name, service: 'web', address, host: 'host-1', port: backend.port, state, weight };
}

/** One request on a connection of its own: no client keep-alive outlives a reload. */
function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function served(requests: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < requests; i++) {
    const name = await getText(nginx!.url);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

const adapterFor = (n: NginxProcess, reload = n.reloadArgv) => new NginxTrafficAdapter({ type: 'nginx', upstream_file: n.upstreamFile, upstream: n.upstream, reload }, OPTIONS);

describe('nginxCheckArgv and nginxComplaint', () => {
  it.each([
    [['/usr/sbin/nginx', '-p', '/srv/ng', '-c', '/srv/ng/nginx.conf', '-s', 'reload'], ['/usr/sbin/nginx', '-p', '/srv/ng', '-c', '/srv/ng/nginx.conf', '-T']],
    [['nginx', '-s', 'reload', '-g', 'daemon off;'], ['nginx', '-T', '-g', 'daemon off;']],
  ])('%j is checked with %j', (reload, check) => {
    expect(nginxCheckArgv(reload)).toEqual(check);
  });

  it('checks a reload without -s reload with the installed nginx', () => {
    expect(nginxCheckArgv(['systemctl', 'reload', 'nginx']).slice(-1)).toEqual(['-T']);
  });

  it('quotes the line that says what is wrong', () => {
    const stderr = 'nginx: [emerg] host not found in upstream "nowhere.invalid:80" in /etc/nginx/up.conf:3\nnginx: configuration file /etc/nginx/nginx.conf test failed\n';
    expect(nginxComplaint(stderr)).toBe('nginx: [emerg] host not found in upstream "nowhere.invalid:80" in /etc/nginx/up.conf:3');
    expect(nginxComplaint('something else\n')).toBe('something else');
  });
});

describe.skipIf(nginxMissing() !== undefined)(`NginxTrafficAdapter with a real nginx${nginxMissing() ? ` (skipped: ${nginxMissing()})` : ''}`, () => {
  it('rewrites the upstream block: a drained instance gets nothing, ready ones share by weight, and observe reads it back', async () => {
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    nginx = await startNginx({ upstream: 'app', servers: backends });
    const adapter = adapterFor(nginx);
    expect(await adapter.apply([desired(web1, 'drain'), desired(web2, 'ready')], new Set(['web1']))).toEqual(new Map([['web1', { ok: true }]]));
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toContain(`server 127.0.0.1:${web1.port} down;`);
    expect(await served(10)).toEqual(new Map([['web2', 10]]));

    const results = await adapter.apply([desired(web1, 'ready', 100), desired(web2, 'ready', 25)], new Set(['web1', 'web2']));
    expect(results).toEqual(new Map([['web1', { ok: true }], ['web2', { ok: true }]]));
    const counts = await served(100);
    expect(counts.get('web1')).toBeGreaterThanOrEqual(70);
    expect(counts.get('web2')).toBeGreaterThanOrEqual(10);
    expect(await adapter.observe([desired(web1, 'ready'), desired(web2, 'ready')])).toEqual(
      new Map([
        ['web1', { state: 'ready', weight: 100 }],
        ['web2', { state: 'ready', weight: 25 }],
      ]),
    );
  });

  it('reports a drain applied only once old workers retire, and counts them as the drained instance’s connections until they exit', async () => {
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    nginx = await startNginx({ upstream: 'app', servers: backends });
    const adapter = adapterFor(nginx);
    const targets = [desired(web1, 'drain'), desired(web2, 'ready')];
    // Hold a request open on web1 in the current worker: with web2 down it must go there.
    await adapter.apply([desired(web1, 'ready'), desired(web2, 'drain')], new Set(['web2']));
    const held = getText(`${nginx.url}/hold`);
    await pollUntil('the held request to reach web1', async () => (web1.holding === 1 ? true : undefined), { timeoutMs: 5000 });
    expect(await adapter.activeConnections(targets)).toEqual(new Map([['web1', 0], ['web2', 0]]));

    expect(await adapter.apply(targets, new Set(['web1', 'web2']))).toEqual(new Map([['web1', { ok: true }], ['web2', { ok: true }]]));
    // The worker holding web1's request is retiring: it takes nothing new, and a drain waits for it.
    expect(await adapter.activeConnections(targets)).toEqual(new Map([['web1', 1], ['web2', 1]]));
    expect(await served(10)).toEqual(new Map([['web2', 10]]));
    web1.release();
    expect(await held).toBe('web1');
    await pollUntil('the retiring worker to exit', async () => ((await adapter.activeConnections(targets))?.get('web1') === 0 ? true : undefined), { timeoutMs: 10_000 });
  });

  it('a configuration nginx refuses is an error with nginx’s message, and the previous file is restored', async () => {
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    nginx = await startNginx({ upstream: 'app', servers: backends });
    const adapter = adapterFor(nginx);
    const before = readFileSync(nginx.upstreamFile, 'utf8');
    const results = await adapter.apply([desired(web1, 'ready', 100, 'no-such-host.invalid'), desired(web2, 'ready')], new Set(['web1']));
    expect(results.get('web1')).toEqual({ ok: false, error: expect.stringMatching(/restored\): nginx: \[emerg\] host not found in upstream "no-such-host.invalid/) });
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(before);
    expect(new Set((await served(6)).keys())).toEqual(new Set(['web1', 'web2']));
  });

  it('a broken include elsewhere in the configuration fails the check the same way', async () => {
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    nginx = await startNginx({ upstream: 'app', servers: backends });
    const conf = `${nginx.prefix}/nginx.conf`;
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('http {', `http {\n  include ${nginx.prefix}/missing.conf;`));
    const before = readFileSync(nginx.upstreamFile, 'utf8');
    const results = await adapterFor(nginx).apply([desired(web1, 'drain'), desired(web2, 'ready')], new Set(['web1']));
    expect(results.get('web1')).toEqual({ ok: false, error: expect.stringContaining('missing.conf') });
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(before);
  });

  it('a reload that exits non-zero is an error with its status and message, and the previous file is restored', async () => {
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    nginx = await startNginx({ upstream: 'app', servers: backends });
    // A wrapper whose `-T` runs the real check, and whose `-s reload` refuses.
    const check = nginx.testArgv.slice(0, -1).map((a) => `'${a}'`).join(' ');
    const reload = ['/bin/sh', '-c', `if [ "$1" = -T ]; then exec ${check} -T; fi; echo "reload refused by policy" >&2; exit 7`, 'reload-wrapper', '-s', 'reload'];
    const before = readFileSync(nginx.upstreamFile, 'utf8');
    const results = await adapterFor(nginx, reload).apply([desired(web1, 'drain'), desired(web2, 'ready')], new Set(['web1', 'web2']));
    expect(results.get('web1')).toEqual({ ok: false, error: 'reload failed (' + nginx.upstreamFile + ' restored): sh exited with status 7: reload refused by policy' });
    expect(results.get('web2')).toEqual(results.get('web1'));
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(before);
  });

  it('nginx not running is an error, not a throw, the file is restored, and its connections are unknown', async () => {
    const [web1, web2] = backends as [NamedBackend, NamedBackend];
    nginx = await startNginx({ upstream: 'app', servers: backends });
    await nginx.halt();
    const adapter = adapterFor(nginx);
    const before = readFileSync(nginx.upstreamFile, 'utf8');
    const results = await adapter.apply([desired(web1, 'drain'), desired(web2, 'ready')], new Set(['web1']));
    expect(results.get('web1')).toEqual({ ok: false, error: expect.stringContaining('nginx is not running') });
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(before);
    expect(await adapter.activeConnections([desired(web1, 'drain')])).toBeUndefined();
  });
});

describe('NginxTrafficAdapter without a writable upstream file', () => {
  it('an upstream file it cannot write is an error result, not a throw', async () => {
    const adapter = new NginxTrafficAdapter({ type: 'nginx', upstream_file: '/nonexistent-ferry-dir/web.conf', upstream: 'web', reload: ['/usr/sbin/nginx', '-s', 'reload'] }, OPTIONS);
    const target: DesiredTraffic = { instance_id: 'web-1', service: 'web', address: '127.0.0.1', host: 'host-1', port: 8080, state: 'drain', weight: 100 };
    expect((await adapter.apply([target], new Set(['web-1']))).get('web-1')).toEqual({ ok: false, error: expect.stringContaining('ENOENT') });
    // Nothing written yet: the balancer has no line for the instance, and the sync will write one.
    expect(await adapter.observe([target])).toEqual(new Map([['web-1', { state: 'other', weight: 0 }]]));
  });

  it('an address that would change nginx’s configuration is refused before the file is touched', async () => {
    const adapter = new NginxTrafficAdapter({ type: 'nginx', upstream_file: '/nonexistent-ferry-dir/web.conf', upstream: 'web', reload: ['/usr/sbin/nginx', '-s', 'reload'] }, OPTIONS);
    const target: DesiredTraffic = { instance_id: 'web-1', service: 'web', address: '10.0.0.1; include /etc/shadow', host: 'host-1', port: 8080, state: 'ready', weight: 100 };
    expect((await adapter.apply([target], new Set(['web-1']))).get('web-1')).toEqual({ ok: false, error: expect.stringContaining('cannot be written into nginx') });
  });
});
