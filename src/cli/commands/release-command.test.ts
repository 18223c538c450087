/** `ferry release add` with a local package checks the manifest beside it before registering anything. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeFerryApi, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';

const SHA = 'a'.repeat(64);
let dir: string;
let tarball: string;
let api: FakeFerryApi;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-release-add-'));
  tarball = join(dir, 'hello-1.0.0.tar.gz');
  writeFileSync(tarball, 'not really a tarball');
  writeFileSync(`${tarball}.sha256`, `${SHA}  hello-1.0.0.tar.gz\n`);
  writeFileSync(join(dir, 'hello-1.0.0.manifest.json'), JSON.stringify({ service: 'hello', version: '1.0.0', sha256: SHA, git_sha: null, build_time: '2026-01-01T00:00:00.000Z' }));
  const registered = { service: 'hello', version: '1.0.0', sha256: SHA, package_url: pathToFileURL(tarball).href, git_sha: null, build_time: '2026-01-01T00:00:00.000Z' };
  api = await startFakeFerryApi({ 'POST /api/v1/releases': [[201, registered]] });
});

afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const releaseAdd = (service: string, version: string, packageUrl: string) =>
  runFerry(['release', 'add', service, version, '--package-url', packageUrl, '--server', api.url, '--token', api.token]);

describe('ferry release add with a local package', () => {
  it.each([
    ['another version, by path', 'hello', '1.1.0', () => tarball, /is version 1\.0\.0 of hello, not 1\.1\.0; nothing registered/],
    ['another version, by file:// URL', 'hello', '2.0.0', () => pathToFileURL(tarball).href, /is version 1\.0\.0 of hello, not 2\.0\.0/],
    ['another service', 'goodbye', '1.0.0', () => tarball, /is a package of service hello, not goodbye; nothing registered/],
  ])('refuses %s: exit 2, one line, nothing sent', async (_what, service, version, packageUrl, message) => {
    const before = api.requests.length;
    const run = await releaseAdd(service, version, packageUrl());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(api.requests.length).toBe(before);
  });

  it('registers when the manifest agrees', async () => {
    const run = await releaseAdd('hello', '1.0.0', tarball);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`registered hello 1.0.0 sha256 ${SHA}\n`);
    expect(JSON.parse(api.requests.at(-1)?.body ?? '{}')).toMatchObject({ service: 'hello', version: '1.0.0', sha256: SHA, build_time: '2026-01-01T00:00:00.000Z' });
  });
});
