import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { checkBuildTime, checkedName, checkHostId, checkPackageUrl, checkServiceName, checkSha256, checkVersion, instanceIdFor } from './names.js';

describe('checkServiceName', () => {
  it.each([
    ['hello', true],
    ['hello-web', true],
    ['a', true],
    ['0day', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
    ['-hello', false],
    ['Hello', false],
    ['hello_web', false],
    ['hello.web', false],
    ['hello/web', false],
    ['hello\n', false],
    [' hello', false],
  ])('%j → ok %s', (name, ok) => {
    const check = checkServiceName(name);
    expect(check.ok).toBe(ok);
    if (!check.ok) expect(check.reason).toBe('invalid_service_name');
  });
});

describe('checkVersion', () => {
  it.each([
    ['1.2.3', true],
    ['1.2.3+build.5', true],
    ['1.2.3-rc.1', true],
    ['v2', true],
    ['2025_01_01', true],
    ['latest-1', true],
    ['stable2', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['', false],
    ['../x', false],
    ['.hidden', false],
    ['1.2/3', false],
    ['-1', false],
    ['+1', false],
    ['1.2.3 ', false],
    ['1.2.3\n', false],
  ])('%j → ok %s', (version, ok) => {
    const check = checkVersion(version);
    expect(check.ok).toBe(ok);
    if (!check.ok) expect(check.reason).toBe('invalid_version');
  });

  it.each(['latest', 'Current', 'STABLE', 'head', 'LaTeSt', 'current', 'HEAD'])('floating label %j is refused as not immutable', (label) => {
    const check = checkVersion(label);
    expect(check).toMatchObject({ ok: false, reason: 'invalid_version' });
    if (!check.ok) expect(check.message).toContain('floating label');
  });
});

describe('checkSha256', () => {
  const hex = 'a3'.repeat(32);
  it.each([
    [hex, true],
    ['0'.repeat(64), true],
    [hex.slice(1), false],
    [hex + '0', false],
    [hex.toUpperCase(), false],
    ['g'.repeat(64), false],
    ['', false],
    [`sha256:${hex}`, false],
  ])('%j → ok %s', (sha, ok) => {
    const check = checkSha256(sha);
    expect(check.ok).toBe(ok);
    if (!check.ok) expect(check.reason).toBe('invalid_sha256');
  });
});

describe('checkPackageUrl', () => {
  it.each([
    ['http://pkg.example/hello-1.0.0.tar.gz', true],
    ['https://pkg.example/hello-1.0.0.tar.gz', true],
    ['HTTPS://pkg.example/a.tgz', true],
    ['file:///srv/pkgs/hello-1.0.0.tar.gz', true],
    ['ftp://pkg.example/hello-1.0.0.tar.gz', false],
    ['s3://bucket/hello.tar.gz', false],
    ['javascript:alert(1)', false],
    ['garbage', false],
    ['/srv/pkgs/hello.tar.gz', false],
    ['', false],
  ])('%j → ok %s', (url, ok) => {
    const check = checkPackageUrl(url);
    expect(check.ok).toBe(ok);
    if (!check.ok) expect(check.reason).toBe('invalid_package_url');
  });

  it('names the refused scheme', () => {
    expect(checkPackageUrl('ftp://x/y')).toMatchObject({ ok: false, message: expect.stringContaining('not ftp') });
  });

  it('refuses credentials in the URL without echoing them', () => {
    for (const url of ['https://user:s3cret@pkg.example/a.tgz', 'https://user@pkg.example/a.tgz', 'http://:s3cret@pkg.example/a.tgz']) {
      const check = checkPackageUrl(url);
      expect(check).toMatchObject({ ok: false, reason: 'credentials_in_url' });
      expect(JSON.stringify(check)).not.toContain('s3cret');
    }
  });

  it('refuses a URL longer than 2048 characters', () => {
    expect(checkPackageUrl(`https://pkg.example/${'a'.repeat(2048)}.tgz`)).toMatchObject({ ok: false, reason: 'invalid_package_url' });
    expect(checkPackageUrl(`https://pkg.example/${'a'.repeat(2000)}.tgz`).ok).toBe(true);
  });
});

describe('checkBuildTime', () => {
  it.each([
    [null, true],
    [undefined, true],
    ['2026-01-31T12:00:00Z', true],
    ['not a time', false],
    ['2026-02-30T00:00:00Z', false],
  ])('%j → ok %s', (value, ok) => {
    expect(checkBuildTime(value).ok).toBe(ok);
  });
});

describe('instanceIdFor', () => {
  it('joins service, host and port: hello on web1:7001 → hello-web1-7001', () => {
    expect(instanceIdFor('hello', 'web1', 7001)).toBe('hello-web1-7001');
  });

  it('differs per port on one host', () => {
    expect(instanceIdFor('hello', 'web1', 7001)).not.toBe(instanceIdFor('hello', 'web1', 7002));
  });

  it('uses the other form when the host holds a dash: a on b-c:7001 → a.b-c-7001', () => {
    expect(instanceIdFor('a', 'b-c', 7001)).toBe('a.b-c-7001');
    expect(instanceIdFor('a-b', 'c', 7001)).toBe('a-b-c-7001');
  });

  it('gives distinct ids to distinct (service, host, port) triples (property)', () => {
    const service = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,6}$/);
    const host = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,6}$/);
    const port = fc.integer({ min: 1, max: 65535 });
    const triple = fc.tuple(service, host, port);
    fc.assert(
      fc.property(triple, triple, (x, y) => {
        fc.pre(x.join('\u0000') !== y.join('\u0000'));
        expect(instanceIdFor(...x)).not.toBe(instanceIdFor(...y));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkedName, for names taken from a path or query', () => {
  it.each([
    ['web', 'service' as const],
    ['1.2.3', 'version' as const],
    ['host-1.local', 'host' as const],
  ])('gives back the well-formed %s (%s)', (value, what) => {
    expect(checkedName(value, what)).toBe(value);
  });

  it.each([
    ['Web', 'service' as const, checkServiceName('Web')],
    ['latest', 'version' as const, checkVersion('latest')],
    ['../etc', 'host' as const, checkHostId('../etc')],
  ])("refuses %s (%s) with an InputError carrying the check's reason", (value, what, check) => {
    expect(check.ok).toBe(false);
    expect(() => checkedName(value, what)).toThrow(expect.objectContaining({ constructor: InputError, code: !check.ok ? check.reason : '' }));
  });
});
