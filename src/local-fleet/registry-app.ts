/**
 * Releases of software nobody here wrote: `http-server` as published on npm, in the two
 * versions Ferry's devDependencies install under aliases (`http-server-14.0.0`,
 * `http-server-14.1.1`), so `npm ci` is all the set-up. Each release is built as a
 * person would lay out a Node app: a package.json of its own, the server and its whole
 * dependency closure in `node_modules/`, `node_modules/.bin/http-server` as a relative
 * symbolic link, and a `public/index.html` that says which version serves it. Then
 * `ferry package` (the same `buildPackage`) makes the release tarball.
 *
 * The closure is walked with Node's own resolution from each package's location, so a
 * dependency npm nested under one package (another version than the hoisted one) is
 * copied to the same nested place, and the app resolves exactly what npm resolved.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildPackage } from '../packaging/build-package.js';

/** The published versions an alias installs; the app's release versions are the same. */
export const REGISTRY_APP_VERSIONS = ['14.0.0', '14.1.1'] as const;
export type RegistryAppVersion = (typeof REGISTRY_APP_VERSIONS)[number];
const PACKAGE = 'http-server';
const requireHere = createRequire(import.meta.url);

export interface RegistryAppPackage {
  version: string;
  tarball: string;
  package_url: string;
  sha256: string;
  /** Entries in the package (files, directories, links), to show what a real app weighs. */
  entries: number;
}

/** The start command of the packaged app: the `.bin` link, run from the release directory. */
export const REGISTRY_APP_START = `node_modules/.bin/${PACKAGE} public -p $PORT -a 127.0.0.1 -s`;

/** The text `public/index.html` of a version's release holds, for verify checks and probes. */
export function registryAppGreeting(version: string): string {
  return `served by ${PACKAGE} ${version}`;
}

/** Why the registry app cannot be built here (the aliases are not installed), or undefined. */
export function registryAppMissing(): string | undefined {
  for (const version of REGISTRY_APP_VERSIONS) {
    if (aliasDir(version) === undefined) return `${aliasName(version)} is not installed (npm ci installs it as a devDependency)`;
  }
  return undefined;
}

/** Builds the app folder of `version` under `parent` and packages it as `service`. */
export async function packageRegistryApp(parent: string, service: string, version: RegistryAppVersion): Promise<RegistryAppPackage> {
  const source = mkdtempSync(join(parent, `${PACKAGE}-${version}-`));
  try {
    layOutRegistryApp(source, version);
    const built = await buildPackage({ dir: source, service, version, gitSha: null, outDir: parent, now: new Date() });
    if (!built.ok) throw new Error(`cannot package ${PACKAGE} ${version}: ${built.message}`);
    return { version, tarball: built.tarball, package_url: pathToFileURL(built.tarball).href, sha256: built.sha256, entries: built.manifest.files.length };
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

/** Writes the app of `version` into the empty directory `app`; see the module comment. */
export function layOutRegistryApp(app: string, version: RegistryAppVersion): void {
  const alias = aliasDir(version);
  if (alias === undefined) throw new Error(registryAppMissing());
  const modules = join(app, 'node_modules');
  copyPackage(alias, join(modules, PACKAGE));
  for (const dir of dependencyClosure(alias)) copyPackage(dir, join(modules, placeOf(dir, alias)));
  mkdirSync(join(modules, '.bin'));
  const bin = binOf(alias);
  symlinkSync(join('..', PACKAGE, bin), join(modules, '.bin', PACKAGE));
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'web', version, private: true, dependencies: { [PACKAGE]: version } }, null, 2)}\n`);
  mkdirSync(join(app, 'public'));
  writeFileSync(join(app, 'public', 'index.html'), `<!doctype html>\n<title>web ${version}</title>\n<p>${registryAppGreeting(version)}</p>\n`);
}

function aliasName(version: string): string {
  return `${PACKAGE}-${version}`;
}

/** Where Node resolves the alias from Ferry's own location, or undefined. */
function aliasDir(version: string): string | undefined {
  return resolvePackageDir(aliasName(version), requireHere);
}

/**
 * The directory of `name` as Node resolves it for code in `from`: the first
 * `node_modules/<name>` up the lookup paths. Not `require.resolve('<name>/package.json')`,
 * which a package's `exports` may refuse.
 */
function resolvePackageDir(name: string, from: NodeJS.Require): string | undefined {
  for (const dir of from.resolve.paths(name) ?? []) {
    if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  }
  return undefined;
}

/** Every package directory `root` needs at run time (its dependencies, recursively), root excluded. */
function dependencyClosure(root: string): string[] {
  const found = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const manifest = readManifest(dir);
    const from = createRequire(join(dir, 'package.json'));
    const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})];
    for (const name of names) {
      const resolved = resolvePackageDir(name, from);
      if (resolved === undefined) {
        if (name in (manifest.optionalDependencies ?? {})) continue;
        throw new Error(`${dir} depends on ${name}, which is not installed`);
      }
      if (resolved === root || found.has(resolved)) continue;
      found.add(resolved);
      pending.push(resolved);
    }
  }
  return [...found].sort();
}

/**
 * Where a dependency goes under the app's `node_modules`: the same place relative to the
 * `node_modules` holding the alias, with the alias folder's name replaced by the package's.
 *
 *   …/node_modules/mime                                  -> mime
 *   …/node_modules/http-server-14.0.0/node_modules/mime  -> http-server/node_modules/mime
 */
function placeOf(dir: string, alias: string): string {
  const place = relative(dirname(alias), dir).split(sep);
  // A dependency found above the alias's node_modules (a parent project's) has no place in the app.
  if (place[0] === '..') throw new Error(`${dir} is outside ${dirname(alias)}`);
  if (place[0] === basename(alias)) place[0] = PACKAGE;
  return place.join('/');
}

/** Copies one package without its nested `node_modules` (the closure copies what is needed of it). */
function copyPackage(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (path) => !relative(from, path).split(sep).includes('node_modules'),
  });
}

function binOf(dir: string): string {
  const bin = readManifest(dir).bin;
  const path = typeof bin === 'string' ? bin : bin?.[PACKAGE];
  if (path === undefined) throw new Error(`${dir} declares no ${PACKAGE} bin`);
  return path.replace(/^\.\//, '');
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bin?: string | Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}
