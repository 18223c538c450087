import { describe, expect, it } from 'vitest';
import { buildServiceSpec, parseHostPort, type ServiceSpecFlags } from './service-spec.js';

describe('buildServiceSpec', () => {
  it.each<[string, ServiceSpecFlags, Record<string, unknown>, Record<string, unknown>]>([
    [
      'flags alone',
      { start: 'node server.js', instance: ['web1:7001', 'web2:7002'], healthPath: '/ready', keepReleases: 3 },
      {},
      { start: 'node server.js', instances: [{ host: 'web1', port: 7001 }, { host: 'web2', port: 7002 }], health_path: '/ready', keep_releases: 3 },
    ],
    [
      'flags override the spec file; env merges; instances from flags replace the file',
      { start: 'node v2.js', instance: ['web3:7003'], env: ['B=2', 'C=x=y'] },
      { name: 'hello', start: 'node server.js', env: { A: '1', B: '1' }, instances: [{ host: 'web1', port: 7001 }], drift_policy: 'quarantine' },
      { start: 'node v2.js', env: { A: '1', B: '2', C: 'x=y' }, instances: [{ host: 'web3', port: 7003 }], drift_policy: 'quarantine' },
    ],
    [
      'the spec file alone, with an explicitly empty instance list',
      {},
      { start: 'node server.js', instances: [] },
      { start: 'node server.js', instances: [] },
    ],
    [
      '--no-instances empties the file\'s instances, so every instance is removed',
      { start: 's', noInstances: true },
      { instances: [{ host: 'web1', port: 7001 }] },
      { start: 's', instances: [] },
    ],
    [
      'a strategy object from --strategy',
      { start: 's', instance: ['h:1'], strategy: { type: 'rolling', batch_size: 2 } },
      {},
      { start: 's', instances: [{ host: 'h', port: 1 }], strategy: { type: 'rolling', batch_size: 2 } },
    ],
  ])('%s', (_name, flags, file, expected) => {
    expect(buildServiceSpec(flags, file)).toEqual({ ok: true, body: expected });
  });

  it.each<[string, ServiceSpecFlags, Record<string, unknown>, RegExp]>([
    ['no start command', { instance: ['h:1'] }, {}, /start command/],
    ['no instances anywhere', { start: 's' }, {}, /instances/],
    ['a bad env pair', { start: 's', instance: ['h:1'], env: ['NOEQUALS'] }, {}, /KEY=VALUE/],
    ['a bad instance', { start: 's', instance: ['h'] }, {}, /HOST:PORT/],
    ['--no-instances with --instance', { start: 's', instance: ['h:1'], noInstances: true }, {}, /contradict/],
  ])('refuses %s', (_name, flags, file, message) => {
    const built = buildServiceSpec(flags, file);
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.message).toMatch(message);
  });
});

describe('buildServiceSpec: version check flags', () => {
  const base = { start: 's', instance: ['h:1'] };
  it.each<[string, ServiceSpecFlags, Record<string, unknown>, unknown]>([
    ['--version-check process', { ...base, versionCheck: 'process' }, {}, { type: 'process' }],
    ['http on the version path of the file', { ...base, versionCheck: 'http' }, { version_path: '/about' }, { type: 'http', path: '/about' }],
    ['--version-field implies http', { ...base, versionField: 'build.version' }, {}, { type: 'http', path: '/version', field: 'build.version' }],
    ['--version-header implies http', { ...base, versionHeader: 'X-Version', versionPath: '/' }, {}, { type: 'http', path: '/', header: 'X-Version' }],
    ['--version-command implies command, split on spaces', { ...base, versionCommand: './app  --version' }, {}, { type: 'command', command: ['./app', '--version'] }],
    ['no flag leaves the file\'s check', base, { version_check: { type: 'process' } }, { type: 'process' }],
  ])('%s', (_name, flags, file, check) => {
    const built = buildServiceSpec(flags, file);
    expect(built.ok && built.body.version_check).toEqual(check);
  });

  it.each<[string, ServiceSpecFlags, RegExp]>([
    ['an unknown type', { ...base, versionCheck: 'pid' }, /must be http, process or command/],
    ['command without its argv', { ...base, versionCheck: 'command' }, /--version-command/],
    ['process with a field', { ...base, versionCheck: 'process', versionField: 'v' }, /does not take/],
  ])('refuses %s', (_name, flags, message) => {
    const built = buildServiceSpec(flags);
    expect(built.ok ? 'accepted' : built.message).toMatch(message);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['web1:7001', { host: 'web1', port: 7001 }],
    ['host.example:80', { host: 'host.example', port: 80 }],
  ])('%s', (text, instance) => {
    expect(parseHostPort(text)).toEqual({ ok: true, instance });
  });
  it.each(['web1', ':7001', 'web1:', 'web1:0', 'web1:70000', 'web1:70a'])('refuses %s', (text) => {
    expect(parseHostPort(text).ok).toBe(false);
  });
});

describe('buildServiceSpec: alerting flags', () => {
  it('--oncall overrides the file, --runbook merges over its runbooks', () => {
    const built = buildServiceSpec(
      { start: 'x', instance: ['h:1'], oncall: 'team-b', runbook: ['DeploymentFailed=https://wiki.test/failed'] },
      { oncall: 'team-a', runbooks: { AgentSilent: 'https://wiki.test/silent' } },
    );
    expect(built).toMatchObject({ ok: true, body: { oncall: 'team-b', runbooks: { AgentSilent: 'https://wiki.test/silent', DeploymentFailed: 'https://wiki.test/failed' } } });
  });

  it('refuses a --runbook without a name', () => {
    expect(buildServiceSpec({ start: 'x', instance: ['h:1'], runbook: ['https://wiki.test'] })).toEqual({ ok: false, message: '--runbook "https://wiki.test" must be AlertName=URL' });
  });
});
