/**
 * Test support: real release packages of a tiny HTTP service, built with the `tar`
 * package. Ports and waits come from the product's own `local-fleet/free-port.ts` and
 * `local-fleet/poll-until.ts`, so there is one of each.
 * The service answers `/version` from the VERSION file of its own release directory, so
 * a package whose VERSION differs from its release version fakes a wrong build.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tar from 'tar';
import type { InstanceAssignment } from '../core/agent-protocol.js';

export const FAKE_SERVER_JS = `
const http = require('http');
const fs = require('fs');
const version = fs.readFileSync('VERSION', 'utf8').trim();
http.createServer((req, res) => {
  if (req.url === '/version') res.end(JSON.stringify({ version }));
  else res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** The service's start command, as an operator would write it. */
export const FAKE_START = 'exec node server.js';

export interface BuiltPackage {
  file: string;
  url: string;
  sha256: string;
}

/**
 * Builds `<dir>/<name>.tar.gz` holding server.js and VERSION (`answers`, default the
 * version), plus `extra` files.
 */
export async function buildPackage(dir: string, name: string, answers: string, extra: Record<string, string> = {}): Promise<BuiltPackage> {
  const src = path.join(dir, `${name}-src`);
  await mkdir(src, { recursive: true });
  const files: Record<string, string> = { 'server.js': FAKE_SERVER_JS, VERSION: `${answers}\n`, ...extra };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(src, file)), { recursive: true });
    await writeFile(path.join(src, file), content);
  }
  const file = path.join(dir, `${name}.tar.gz`);
  await tar.c({ file, gzip: true, cwd: src, portable: true }, Object.keys(files));
  return { file, url: pathToFileURL(file).href, sha256: await sha256Of(file) };
}

/** Builds a tar.gz from paths relative to `cwd`, keeping `..` and absolute paths as given. */
export async function buildRawArchive(file: string, cwd: string, entries: string[]): Promise<BuiltPackage> {
  await tar.c({ file, gzip: true, cwd, preservePaths: true, portable: true }, entries);
  return { file, url: pathToFileURL(file).href, sha256: await sha256Of(file) };
}

export async function sha256Of(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/**
 * An assignment as the server sends it, running `pkg` (null: no release to install) with
 * the fake package's start command and probe paths; `over` names the instance, its port,
 * version and generation, and whatever else a test varies.
 */
export function fakeAssignment(pkg: BuiltPackage | null, over: Partial<InstanceAssignment> & Pick<InstanceAssignment, 'instance_id' | 'port'>): InstanceAssignment {
  return {
    service: 'hello',
    version: 'v1',
    generation: 1,
    action: 'run',
    timeout_s: 10,
    release: pkg ? { package_url: pkg.url, sha256: pkg.sha256 } : null,
    start: FAKE_START,
    env: {},
    health_path: '/healthz',
    version_path: '/version',
    verify: [],
    keep_releases: 5,
    protected_versions: [],
    drain_s: 0,
    ...over,
  };
}
