/**
 * A real Node app packaged with its node_modules: http-server 14.1.1 as npm published it,
 * with its dependency closure and its `.bin` link, through `ferry package`'s builder and
 * the agent's own unpacker under the default install limits, then started from the
 * unpacked tree. And links that point out of the directory refused at package time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INSTALL_LIMITS } from '../agent/install-limits.js';
import { unpackPackage } from '../agent/package-unpack.js';
import { freePort } from '../local-fleet/free-port.js';
import { pollUntil } from '../local-fleet/poll-until.js';
import { layOutRegistryApp, packageRegistryApp, registryAppGreeting, REGISTRY_APP_START, type RegistryAppPackage } from '../local-fleet/registry-app.js';
import { runFerry } from '../testing/fake-terminal.js';
import { buildPackage } from './build-package.js';
import { unpackableProblem, type PackageEntry } from './package-files.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
let work: string;
let built: RegistryAppPackage;
let release: string;
let server: ChildProcess | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ferry-node-app-'));
  built = await packageRegistryApp(work, 'web', '14.1.1');
  release = join(work, 'release');
  await mkdir(release);
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

describe('a Node app with node_modules', () => {
  it('unpacks within the default install limits with its .bin link and executable modes kept, and serves', async () => {
    const unpacked = await unpackPackage(built.tarball, release, DEFAULT_INSTALL_LIMITS);
    expect(unpacked).toMatchObject({ ok: true });
    if (!unpacked.ok) return;
    // The whole closure of a small server: far under the entry limit.
    expect(unpacked.entries).toBeGreaterThan(100);
    expect(unpacked.entries).toBeLessThan(DEFAULT_INSTALL_LIMITS.maxEntries);

    const bin = join(release, 'node_modules', '.bin', 'http-server');
    expect((await lstat(bin)).isSymbolicLink()).toBe(true);
    expect(await readlink(bin)).toBe('../http-server/bin/http-server');
    expect((await stat(bin)).mode & 0o111).not.toBe(0);
    for (const dep of ['union', 'http-proxy', 'mime', 'chalk']) expect((await stat(join(release, 'node_modules', dep, 'package.json'))).isFile(), dep).toBe(true);

    const port = await freePort();
    server = spawn('sh', ['-c', `exec ${REGISTRY_APP_START}`], { cwd: release, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
    const page = await pollUntil('http-server to serve /', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return res?.ok ? res.text() : undefined;
    });
    expect(page).toContain(registryAppGreeting('14.1.1'));
  });

  it('copies a dependency npm nested under another package to the same nested place', async () => {
    const app = join(work, 'app-14.0.0');
    await mkdir(app);
    layOutRegistryApp(app, '14.0.0');
    // 14.0.0 colours its output with colors, 14.1.1 with chalk: each app has its own closure.
    expect((await stat(join(app, 'node_modules', 'colors', 'package.json'))).isFile()).toBe(true);
    await expect(stat(join(app, 'node_modules', 'chalk'))).rejects.toThrow();
    // npm nests the versions the hoisted one does not satisfy; the app holds them at the same place.
    const versionAt = async (root: string, path: string) => JSON.parse(await readFile(join(root, path, 'package.json'), 'utf8')).version as string;
    // Today's lockfile nests two of http-server's dependencies (safe-buffer under basic-auth,
    // iconv-lite under whatwg-encoding); whichever it nests, each is at its own place.
    const nested = (await readdir(join(app, 'node_modules'))).flatMap((name) => {
      const inner = join(app, 'node_modules', name, 'node_modules');
      return existsSync(inner) ? readdirSync(inner).map((dep) => `node_modules/${name}/node_modules/${dep}`) : [];
    });
    expect(nested.length).toBeGreaterThan(0);
    for (const path of nested) expect(await versionAt(app, path), path).toBe(await versionAt(REPO_ROOT, path));
    await expect(stat(join(app, 'node_modules', 'http-server-14.0.0'))).rejects.toThrow();
  });
});

describe('a node_modules of thousands of entries', () => {
  it('packages and unpacks within the default install limits', async () => {
    // A real tree from Ferry's own dependencies: the OpenTelemetry packages, ~3,700 entries.
    const app = join(work, 'many');
    cpSync(join(REPO_ROOT, 'node_modules', '@opentelemetry'), join(app, 'node_modules', '@opentelemetry'), { recursive: true, verbatimSymlinks: true });
    await writeFile(join(app, 'package.json'), '{"name":"many","version":"1.0.0"}\n');
    const pkg = await buildPackage({ dir: app, service: 'many', version: '1.0.0', gitSha: null, outDir: join(work, 'many-pkg'), now: new Date() });
    if (!pkg.ok) throw new Error(pkg.message);
    const dest = join(work, 'many-release');
    await mkdir(dest);
    const unpacked = await unpackPackage(pkg.tarball, dest, DEFAULT_INSTALL_LIMITS);
    expect(unpacked).toMatchObject({ ok: true });
    expect(unpacked.ok && unpacked.entries).toBeGreaterThan(3000);
  }, 60_000);
});

describe('links out of the package directory', () => {
  const file = (path: string): PackageEntry => ({ path, kind: 'file' });
  const dir = (path: string): PackageEntry => ({ path, kind: 'directory' });
  const link = (path: string, target: string): PackageEntry => ({ path, kind: 'symlink', target });

  it.each<[string, PackageEntry[], RegExp | null]>([
    ['a .bin link to a package later in the archive', [dir('node_modules'), dir('node_modules/.bin'), link('node_modules/.bin/x', '../x/bin/x'), dir('node_modules/x'), file('node_modules/x/bin/x')], null],
    ['an absolute link', [link('config', '/etc/app.conf')], /absolute/],
    ['a relative link climbing out', [dir('lib'), link('lib/shared', '../../common')], /leaves the package directory/],
    ['a link through a link climbing out', [link('up', '..'), link('z', 'up/x')], /leaves the package directory/],
    ['a virtualenv, with a hint', [dir('.venv'), dir('.venv/bin'), link('.venv/bin/python3', '/usr/bin/python3'), file('.venv/pyvenv.cfg')], /"\.venv\/bin\/python3": symbolic link to absolute .*\(\.venv is a Python virtualenv.*pip install --target/],
  ])('%s', (_name, entries, refusal) => {
    const problem = unpackableProblem(entries);
    if (refusal === null) expect(problem).toBeNull();
    else expect(problem).toMatch(refusal);
  });

  it('refuses, at package time and with the link named, a package an agent would refuse; the CLI exits 2 with one line', async () => {
    const app = join(work, 'linked-out');
    await mkdir(join(app, 'node_modules', '.bin'), { recursive: true });
    await writeFile(join(app, 'server.js'), 'console.log("hi")\n');
    await symlink(join(tmpdir(), 'somewhere-else'), join(app, 'node_modules', '.bin', 'tool'));
    const out = join(work, 'linked-out-pkg');
    const refused = await buildPackage({ dir: app, service: 'web', version: '1.0.0', gitSha: null, outDir: out, now: new Date() });
    expect(refused).toMatchObject({ ok: false, reason: 'package_link_outside' });
    if (refused.ok) return;
    expect(refused.message).toContain('"node_modules/.bin/tool"');
    await expect(stat(out)).rejects.toThrow();

    const cli = await runFerry(['package', app, '--service', 'web', '--version', '1.0.0', '--out', out]);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toBe('');
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toContain('node_modules/.bin/tool');
  });
});
