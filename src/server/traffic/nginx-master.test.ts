import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { nginxPidFile, readGeneration, reloadTookEffect, type NginxGeneration } from './nginx-master.js';

const DEBIAN_V = 'nginx version: nginx/1.22.1\nconfigure arguments: --with-cc-opt=-g --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf --pid-path=/run/nginx.pid --lock-path=/var/lock/nginx.lock\n';

describe('nginxPidFile', () => {
  it.each([
    ['an absolute pid directive', '# configuration file /etc/nginx/nginx.conf:\nuser www-data;\npid /run/web.pid;\n', [], '/run/web.pid'],
    ['a quoted one', 'pid "/run/quoted.pid";\n', [], '/run/quoted.pid'],
    ['a relative one under -p', 'pid logs/nginx.pid;\n', ['nginx', '-p', '/srv/ng', '-T'], '/srv/ng/logs/nginx.pid'],
    ['a relative one under the compiled prefix', 'pid logs/nginx.pid;\n', ['nginx', '-T'], '/usr/share/nginx/logs/nginx.pid'],
    ['none: the compiled pid path', 'events {}\n# pid /commented/out.pid;\n', ['nginx', '-T'], '/run/nginx.pid'],
  ])('%s', (_name, dump, argv, expected) => {
    expect(nginxPidFile(dump, argv, DEBIAN_V)).toBe(expected);
  });
});

describe('reloadTookEffect', () => {
  const before: NginxGeneration = { master: 10, workers: [{ pid: 11, retiring: false }, { pid: 12, retiring: false }] };
  it.each([
    ['nothing happened yet', [{ pid: 11, retiring: false }, { pid: 12, retiring: false }], false],
    ['new workers run, but an old one still serves', [{ pid: 11, retiring: true }, { pid: 12, retiring: false }, { pid: 13, retiring: false }], false],
    ['the old ones retire, no new one yet', [{ pid: 11, retiring: true }, { pid: 12, retiring: true }], false],
    ['new workers run, the old retire', [{ pid: 11, retiring: true }, { pid: 13, retiring: false }], true],
    ['new workers run, the old are gone', [{ pid: 13, retiring: false }, { pid: 14, retiring: false }], true],
  ])('%s → %s', (_name, workers, expected) => {
    expect(reloadTookEffect(before, { master: 10, workers })).toBe(expected);
  });
});

describe('readGeneration', () => {
  it('is undefined when the pid file is missing or names no process', () => {
    expect(readGeneration('/nonexistent/nginx.pid')).toBeUndefined();
  });
});

describe('readGeneration of a pid file naming another process', () => {
  it('is undefined: only an nginx master counts', () => {
    const dir = mkdtempSync(`${tmpdir()}/ferry-nginx-pid-`);
    try {
      writeFileSync(`${dir}/nginx.pid`, `${process.pid}\n`);
      expect(readGeneration(`${dir}/nginx.pid`)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
