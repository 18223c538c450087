import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeListener, releaseOf, type HolderFacts, type ListenerFacts } from './judge-listener.js';

const RELEASES = '/srv/ferry/hello/releases';
const STARTED = { pid: 100, start_time: 5000 };

function holder(over: Partial<HolderFacts> = {}): HolderFacts {
  return {
    pid: 100,
    startTime: 5000,
    command: 'node',
    ancestors: [{ pid: 1, start_time: 1 }],
    cwd: `${RELEASES}/1.4.0`,
    exe: '/usr/bin/node',
    script: `${RELEASES}/1.4.0/server.js`,
    start: null,
    ...over,
  };
}

function facts(holders: HolderFacts[], over: Partial<ListenerFacts> = {}): ListenerFacts {
  return { port: 7001, inodes: ['4242'], holders, unheld: [], started: STARTED, releasesDir: RELEASES, ...over };
}

describe('judgeListener', () => {
  const cases: [string, ListenerFacts, { kind: string; version?: string; code?: string; detail?: RegExp; message?: RegExp }][] = [
    ['no LISTEN socket on the port: not ready yet', facts([], { inodes: [] }), { kind: 'no_listener' }],
    ['the started process, cwd and script in the release', facts([holder()]), { kind: 'proven', version: '1.4.0', detail: /^pid 100 \(node\) listens on :7001, cwd and script in releases\/1\.4\.0$/ }],
    [
      'a child of the started shell',
      facts([holder({ pid: 101, startTime: 5001, ancestors: [{ pid: 100, start_time: 5000 }, { pid: 1, start_time: 1 }] })]),
      { kind: 'proven', version: '1.4.0', detail: /^pid 101 / },
    ],
    ['a static binary from the release', facts([holder({ exe: `${RELEASES}/1.4.0/bin/app`, script: null, command: 'app' })]), { kind: 'proven', version: '1.4.0', detail: /cwd and executable in releases\/1\.4\.0$/ }],
    ['python3 -m http.server: no file named, the cwd proves it', facts([holder({ exe: '/usr/bin/python3.11', script: null, command: 'python3' })]), { kind: 'proven', version: '1.4.0', detail: /cwd in releases\/1\.4\.0 \(its command line names no file\)$/ }],
    [
      'a process outside the tree, named by its program, not its arguments',
      facts([holder({ pid: 777, startTime: 9, command: 'python3', exe: '/usr/bin/python3.11', script: null })]),
      { kind: 'refused', code: 'foreign_listener', message: /^pid 777 \(python3\) listens on :7001, running \/usr\/bin\/python3\.11; it is no process of the instance \(the agent started pid 100\)$/ },
    ],
    ['the started pid reused by another program (other start time)', facts([holder({ startTime: 9999 })]), { kind: 'refused', code: 'foreign_listener' }],
    ['nothing the agent started runs', facts([holder()], { started: null }), { kind: 'refused', code: 'foreign_listener', message: /no process the agent started runs/ }],
    ['a socket no visible process holds', facts([]), { kind: 'refused', code: 'foreign_listener', message: /cannot inspect listens on :7001 \(socket inode 4242\)/ }],
    [
      'ours on 127.0.0.1:P, and a second socket on [::1]:P that no visible process holds',
      facts([holder()], { inodes: ['4242', '4343'], unheld: ['4343'] }),
      { kind: 'refused', code: 'foreign_listener', message: /socket inode 4343\)/ },
    ],
    [
      'a program that rewrote its command line, started from the release (node_modules/.bin/http-server)',
      facts([holder({ command: 'http-server', script: null, start: { program: `${RELEASES}/1.4.0/node_modules/http-server/bin/http-server`, interpreter: 'node', files: [] } })]),
      { kind: 'proven', version: '1.4.0', detail: /cwd in releases\/1\.4\.0, started by node_modules\/http-server\/bin\/http-server in it/ },
    ],
    [
      'a program that rewrote its command line, installed on the host (a global http-server run by node)',
      facts([holder({ command: 'http-server', script: null, start: { program: '/usr/local/lib/node_modules/http-server/bin/http-server', interpreter: 'node', files: [] } })]),
      { kind: 'refused', code: 'outside_release', message: /its start command runs \/usr\/local\/lib\/node_modules\/http-server\/bin\/http-server, outside releases\/1\.4\.0\// },
    ],
    [
      'a program that rewrote its command line, its script given from another directory',
      facts([holder({ command: 'titled', script: null, start: { program: '/usr/bin/node', interpreter: null, files: ['/opt/old/server.js'] } })]),
      { kind: 'refused', code: 'outside_release', message: /runs \/opt\/old\/server\.js, outside/ },
    ],
    [
      'python3 -m http.server started as written: its program is the listener itself',
      facts([holder({ exe: '/usr/bin/python3.11', script: null, command: 'python3', start: { program: '/usr/bin/python3.11', interpreter: null, files: [] } })]),
      { kind: 'proven', version: '1.4.0', detail: /cwd in releases\/1\.4\.0 \(its command line names no file\)$/ },
    ],
    [
      'python3 -m through a version manager\'s shim: a launcher says nothing either way',
      facts([holder({ exe: '/usr/bin/python3.11', script: null, command: 'python3', start: { program: '/root/.pyenv/shims/python3', interpreter: 'bash', files: [] } })]),
      { kind: 'proven', version: '1.4.0', detail: /cwd in releases\/1\.4\.0 \(its command line names no file\)$/ },
    ],
    [
      'a wrapper script in the release that runs python3 -m',
      facts([holder({ exe: '/usr/bin/python3.11', script: null, command: 'python3', start: { program: '/usr/bin/dash', interpreter: null, files: [`${RELEASES}/1.4.0/run.sh`] } })]),
      { kind: 'proven', version: '1.4.0', detail: /started by run\.sh in it/ },
    ],
    [
      'a script run by python3.11 whose #! names python3',
      facts([holder({ exe: '/usr/bin/python3.11', script: null, command: 'tool', start: { program: '/usr/local/bin/tool', interpreter: 'python3', files: [] } })]),
      { kind: 'refused', code: 'outside_release', message: /runs \/usr\/local\/bin\/tool/ },
    ],
    ['ours, running from /tmp', facts([holder({ cwd: '/tmp' })]), { kind: 'refused', code: 'outside_release', message: /runs from \/tmp, outside/ }],
    ['ours, cwd the releases directory itself', facts([holder({ cwd: RELEASES })]), { kind: 'refused', code: 'outside_release' }],
    ['ours, its script outside the release', facts([holder({ script: '/tmp/server.js' })]), { kind: 'refused', code: 'outside_release', message: /its script \/tmp\/server\.js is outside releases\/1\.4\.0\// }],
    ['ours, its script in another release', facts([holder({ script: `${RELEASES}/1.3.0/server.js` })]), { kind: 'refused', code: 'outside_release' }],
    ['ours, its executable in another release', facts([holder({ exe: `${RELEASES}/1.3.0/bin/app` })]), { kind: 'refused', code: 'outside_release', message: /releases\/1\.3\.0, its cwd in releases\/1\.4\.0/ }],
    ['an unreadable cwd', facts([holder({ cwd: null })]), { kind: 'refused', code: 'outside_release', message: /unreadable directory/ }],
    [
      'a shared socket, one holder foreign',
      facts([holder(), holder({ pid: 300, startTime: 7, ancestors: [] })]),
      { kind: 'refused', code: 'foreign_listener', message: /^pid 300 / },
    ],
    [
      'a shared socket, two releases',
      facts([holder(), holder({ pid: 102, startTime: 5002, ancestors: [STARTED], cwd: `${RELEASES}/1.3.0`, script: `${RELEASES}/1.3.0/server.js` })]),
      { kind: 'refused', code: 'outside_release', message: /two releases, 1\.4\.0 and 1\.3\.0/ },
    ],
  ];

  it.each(cases)('%s', (_name, given, expected) => {
    const verdict = judgeListener(given);
    expect(verdict.kind).toBe(expected.kind);
    if (verdict.kind === 'proven') {
      expect(verdict.version).toBe(expected.version);
      expect(verdict.detail).toMatch(expected.detail!);
    }
    if (verdict.kind === 'refused') {
      expect(verdict.refusal.code).toBe(expected.code);
      if (expected.message) expect(verdict.refusal.message).toMatch(expected.message);
    }
  });

  it('never proves a holder whose ancestry does not hold the started process (property)', () => {
    const identity = fc.record({ pid: fc.integer({ min: 2, max: 50 }), start_time: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(identity, fc.array(identity, { maxLength: 6 }), identity, (self, ancestors, started) => {
        const ours = [{ pid: self.pid, start_time: self.start_time }, ...ancestors].some((p) => p.pid === started.pid && p.start_time === started.start_time);
        const verdict = judgeListener(facts([holder({ pid: self.pid, startTime: self.start_time, ancestors })], { started }));
        expect(verdict.kind === 'proven').toBe(ours);
      }),
    );
  });
});

describe('releaseOf', () => {
  it.each([
    [`${RELEASES}/1.0.0/server.js`, '1.0.0'],
    [`${RELEASES}/1.0.0`, '1.0.0'],
    [RELEASES, null],
    [`${RELEASES}/../releases-old/1.0.0`, null],
    ['/tmp/server.js', null],
    [null, null],
  ])('%s → %s', (file, version) => {
    expect(releaseOf(file, RELEASES)).toBe(version);
  });
});
